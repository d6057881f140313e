"""Random networks (seeded) computed by the engine and by real Keras, compared layer by layer.

A failure names its seed: ``random_network(seed)`` rebuilds the same spec.
"""

from __future__ import annotations

import pytest
import yaml
from arith import check_steps
from keras_builder import assert_matches_keras
from random_networks import FAMILIES, active_families, generated_types, random_network, registered, used_types

from mkdocs_cnnsummary import summarize

SEEDS = range(400)


@pytest.mark.filterwarnings("ignore:.*does not support masking:UserWarning")
@pytest.mark.parametrize("seed", SEEDS)
def test_random_network_matches_keras(seed: int) -> None:
    spec = random_network(seed)
    if seed % 2:  # half of them go through the YAML reader
        spec = yaml.safe_dump(spec, sort_keys=False)
    try:
        check_steps(summarize(spec))
        assert_matches_keras(spec)
    except Exception as exc:  # show the network, so the failure can be reproduced and read
        text = spec if isinstance(spec, str) else yaml.safe_dump(spec, sort_keys=False)
        pytest.fail(f"seed {seed}: {type(exc).__name__}: {exc}\n{text}")


def test_the_seeds_use_every_registered_layer_type_the_generator_knows() -> None:
    used: set[str] = set()
    for seed in SEEDS:
        used |= used_types(random_network(seed))
    expected = generated_types() & registered()
    assert expected - used == set()


def test_every_family_is_active() -> None:
    assert active_families() == list(FAMILIES)


def test_a_seed_always_gives_the_same_network() -> None:
    assert random_network(7) == random_network(7)
    assert random_network(7) != random_network(8)


def test_families_follow_the_catalog() -> None:
    only_dense = frozenset({"Dense", "Flatten"})
    assert active_families(only_dense) == ["dense", "reshaping"]
    spec = random_network(3, only_dense)
    assert used_types(spec) <= only_dense
    summarize(spec)
