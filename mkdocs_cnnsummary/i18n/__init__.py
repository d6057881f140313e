"""The words users read, in their language: gettext catalogs of the standard library, English as the fallback.

Every message, heading and label is English in the code and marked where it is made:

- ``_("Total params")`` translates now, into the language of the block being rendered;
  a message with values is a template with named placeholders, filled in after translation:
  ``_("unknown argument {name!r}", name=name)`` (English output is exactly the f-string's);
- ``ngettext("{n} layer", "{n} layers", n)`` chooses the plural form of the language;
- ``N_("...")`` only marks text that is translated later (a module-level constant);
- ``S_("output {axis}")`` marks a phrase of a worked calculation (a quantity or a note): the engine keeps it in
  English and :func:`phrase` translates it when it is shown, also when it was built from smaller phrases.

The active language is a :class:`contextvars.ContextVar`, set for the rendering of one block with
:func:`use_language`, so that blocks rendered at the same time in other threads or contexts do not share it.
Catalogs (``locale/<language>/LC_MESSAGES/mkdocs_cnnsummary.mo``, compiled from the ``.po`` beside it)
are loaded the first time a block in that language needs one: importing the package loads none.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

TYPE_CHECKING = False
if TYPE_CHECKING:
    import gettext

DOMAIN = "mkdocs_cnnsummary"
DEFAULT = "en"
#: msgctxt of the phrases of worked calculations (see :func:`S_`)
STEP_CONTEXT = "step"

_language: contextvars.ContextVar[str] = contextvars.ContextVar("cnnsummary_language", default=DEFAULT)

#: other spellings of a language name: ``zh``, ``zh-CN``, ``zh-Hans``, ``zh_Hans_CN`` ... are all ``zh_CN``
_ALIASES = {"zh": "zh_CN", "zh_hans": "zh_CN", "zh_hans_cn": "zh_CN", "zh_cn": "zh_CN", "chinese": "zh_CN",
            "zh_sg": "zh_CN", "zh_hans_sg": "zh_CN", "en": DEFAULT, "en_us": DEFAULT, "en_gb": DEFAULT,
            "english": DEFAULT}


def _locale_dir() -> str:
    from importlib import resources

    return str(resources.files("mkdocs_cnnsummary").joinpath("locale"))


@lru_cache(maxsize=1)
def available() -> tuple[str, ...]:
    """The languages there is a catalog for, English first: ``("en", "zh_CN")``."""
    from pathlib import Path

    root = Path(_locale_dir())
    found = sorted(p.parent.parent.name for p in root.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")) if root.is_dir() else []
    return (DEFAULT, *found)


def normalize(name: str | None) -> str | None:
    """The catalog name of a language as users write it (``zh``, ``zh-CN``, ``zh_Hans``, ``en``), or None
    when there is no catalog for it; None or an empty name is English."""
    if name is None or not str(name).strip():
        return DEFAULT
    key = str(name).strip().replace("-", "_").lower()
    if _ALIASES.get(key) == DEFAULT:  # English needs no catalog, nor a look at which there are
        return DEFAULT
    known = {lang.lower(): lang for lang in available()}
    for candidate in (_ALIASES.get(key, key), key, key.split("_")[0]):
        candidate = _ALIASES.get(candidate.lower(), candidate)
        if candidate.lower() in known:
            return known[candidate.lower()]
    return None


def check_language(name: str | None) -> str:
    """:func:`normalize`, or a SpecError that lists the languages there are."""
    found = normalize(name)
    if found is None:
        from ..engine.errors import SpecError, shown

        raise SpecError(_("unknown language {name}", name=shown(name)),
                        hint=_("available languages: {names}", names=", ".join(_spellings())))
    return found


def _spellings() -> list[str]:
    """The languages as a message lists them (``en``, ``zh`` for zh_CN)."""
    short = {"zh_CN": "zh (zh_CN)"}
    return [short.get(lang, lang) for lang in available()]


def current() -> str:
    """The language of the block being rendered."""
    return _language.get()


@contextmanager
def use_language(name: str | None) -> Iterator[str]:
    """Render in ``name`` (already checked, or English when there is no catalog for it) until the block ends."""
    token = _language.set(normalize(name) or DEFAULT)
    try:
        yield _language.get()
    finally:
        _language.reset(token)


@lru_cache(maxsize=8)
def catalog(language: str) -> gettext.NullTranslations:
    """The translations of ``language`` (loaded once); English has none."""
    import gettext

    if language == DEFAULT:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=_locale_dir(), languages=[language], fallback=True)


def _(message: str, /, **values: object) -> str:
    """``message`` in the current language (itself in English or when it has no translation); with
    ``values``, a template filled in after translation: ``_("unknown argument {name!r}", name=name)``."""
    language = _language.get()
    if language == DEFAULT:
        return message.format(**values) if values else message
    translations = catalog(language)
    text = translations.gettext(message)
    if not values:
        return text
    # words the engine keeps in English (``height`` of an axis, ``the output height``) are translated as
    # worked-step phrases are, when the whole value is one
    return text.format(**{k: _phrase(language, v, 1, True) if isinstance(v, str) and len(v) <= 100 else v
                          for k, v in values.items()})


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, as the current language chooses it."""
    language = _language.get()
    if language == DEFAULT:
        return singular if n == 1 else plural
    return catalog(language).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for translation later (with ``_(constant)`` where it is shown)."""
    return message


def S_(message: str, /, **values: object) -> str:
    """Mark a phrase of a worked calculation (filled in with ``values``); it stays English in the engine and
    :func:`phrase` translates it where it is shown."""
    return message.format(**values) if values else message


# phrases of worked calculations -------------------------------------------------------------------------

_FIELD = r"\{(\w+)(![rsa])?(:[^{}]*)?\}"  # compiled on first use: English needs none


@lru_cache(maxsize=8)
def _patterns(language: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The step phrases of ``language`` that have placeholders, as (English pattern, translation),
    the ones with most fixed text first (``output {axis}`` is tried before ``{quantity}``)."""
    messages = getattr(catalog(language), "_catalog", {})
    found = []
    for key, text in messages.items():
        if not isinstance(key, str) or not key.startswith(STEP_CONTEXT + "\x04") or not text:
            continue
        template = key.split("\x04", 1)[1]
        if "{" not in template:
            continue
        pattern, last, seen = [], 0, set()
        for m in re.finditer(_FIELD, template):
            pattern.append(re.escape(template[last:m.start()].replace("{{", "{").replace("}}", "}")))
            pattern.append(f"(?P={m.group(1)})" if m.group(1) in seen else f"(?P<{m.group(1)}>.+?)")
            seen.add(m.group(1))
            last = m.end()
        pattern.append(re.escape(template[last:]))
        fixed = len(re.sub(_FIELD, "", template))
        found.append((fixed, re.compile("".join(pattern) + r"\Z", re.S), text))
    found.sort(key=lambda item: -item[0])
    return tuple((p, t) for _, p, t in found)


def phrase(text: str | None) -> str | None:
    """A quantity or note of a worked calculation in the current language.

    The whole phrase is looked up first; otherwise the first template it was made from
    (``output {axis}``) is translated and its values (``height``) are translated the same way.
    """
    if text is None:
        return None
    language = _language.get()
    if language == DEFAULT:
        return text
    return _phrase(language, text, 0)


@lru_cache(maxsize=4096)
def _phrase(language: str, text: str, depth: int, whole: bool = False) -> str:
    """``text`` translated (``whole``: only when it is a phrase or every part of a template's reading is one)."""
    translations = catalog(language)
    found = translations.pgettext(STEP_CONTEXT, text)
    if found != text or depth > 4 or len(text) > 400:
        return found
    first = None
    for pattern, translation in _patterns(language):
        m = pattern.match(text)
        if m is None:
            continue
        values = {k: _phrase(language, v, depth + 1) for k, v in m.groupdict().items()}
        found = re.sub(_FIELD, lambda f, values=values: values[f.group(1)], translation)
        if all(values[k] != v for k, v in m.groupdict().items()):
            return found  # every part is a phrase: ``x (a and b)`` is read as ``x`` and ``a and b``, not ``x (a``
        first = first or found  # the template with most fixed text, its values (names, numbers) as written
    return text if whole else first or text
