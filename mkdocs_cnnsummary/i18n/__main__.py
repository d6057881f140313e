"""``python -m mkdocs_cnnsummary.i18n update`` (new messages into every .po, then compile) or
``python -m mkdocs_cnnsummary.i18n new LANG`` (start the .po of a language)."""

from __future__ import annotations

import argparse

from .catalogs import new_language, update


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m mkdocs_cnnsummary.i18n")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("update", help="add new messages to every .po file and compile them into .mo files")
    new = sub.add_parser("new", help="start the .po file of a language (e.g. de, fr, ja)")
    new.add_argument("language")
    args = parser.parse_args()
    if args.command == "new":
        print(new_language(args.language))
    else:
        for path in update():
            print(path)


if __name__ == "__main__":
    main()
