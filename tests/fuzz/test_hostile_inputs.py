"""Any configuration, any postmortem: syncd answers with its documented errors, never a traceback.

1,200 generated cases per CI run, 2,400 with ``SYNCD_FULL_PROOFS=1`` (``bench.hostile_inputs``
says what is generated and what must hold); ``python -m bench.fuzz --cases 100000`` soaks the
same properties. The cases are derandomized, so a failure here fails the same way on every
machine and every run.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from bench.hostile_inputs import check_config, check_document, config_dirs, markdown_documents
from tests.support.proofs import only_in_full_proofs

_AGAIN = "CI runs the first set of cases of each kind"

_CI = settings(
    deadline=None,  # time under a loaded CI machine says nothing; the soak prints the slowest
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@settings(_CI, max_examples=400)
@given(config_dirs())
def test_any_configuration_is_loaded_or_refused_with_config_errors(files: dict[str, str]) -> None:
    check_config(files)


@settings(_CI, max_examples=400)
@given(config_dirs())
def test_any_configuration_again_with_other_cases(files: dict[str, str]) -> None:
    only_in_full_proofs(False, _AGAIN)
    check_config(files)


@settings(_CI, max_examples=800)
@given(markdown_documents())
def test_any_postmortem_is_read_or_refused_and_its_items_resolve(text: str) -> None:
    check_document(text)


@settings(_CI, max_examples=800)
@given(markdown_documents())
def test_any_postmortem_again_with_other_cases(text: str) -> None:
    only_in_full_proofs(False, _AGAIN)
    check_document(text)
