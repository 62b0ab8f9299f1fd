"""Whether a short text reads as an action ("Add an alert") or as a noun phrase ("queue lag").

Sub-bullets under "Add dashboards for:" are the parts of one action, not actions of their own;
the difference is the verb they open with. A closed list of the verbs action items open with
is enough: a fragment never opens with one, and an action that opens with another verb still
reads as an action when it is long or carries an annotation.
"""

from __future__ import annotations

import re

_VERBS_WRITTEN = """
    add adopt alert allow analyse analyze announce apply archive assess audit automate avoid
    backfill block build bump cap change check clean clarify close communicate configure confirm
    consolidate consider continue convert create cut decide decommission define delete deploy
    deprecate design detect disable discuss document drop enable enforce ensure escalate
    establish evaluate expand explore expose extend finalise finalize fix follow get handle
    harden identify implement improve increase instrument integrate introduce investigate isolate
    keep label limit lower make mark measure merge migrate monitor move notify onboard open
    page patch pin plan populate prevent prioritise prioritize promote propose provision publish
    raise re-enable rebuild reconfigure record reduce refactor refresh remove rename replace
    replicate report require reroute reserve reset resize restore restrict retire review revisit
    revert rewrite roll rollout rotate run scale schedule send separate set share ship shorten
    simplify split standardise standardize start stop streamline switch sync tag teach test
    throttle track train triage tune turn unify update upgrade use validate verify version
    watch write
"""
_VERBS = frozenset(_VERBS_WRITTEN.split())
_FIRST_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
MAX_PART_WORDS = 12


def opens_with_verb(text: str) -> bool:
    m = _FIRST_WORD.match(text.lstrip())
    return m is not None and m.group(0).lower() in _VERBS


def reads_as_action(text: str) -> bool:
    """Whether ``text`` opens with an action verb, or a clause after a comma does: "Before
    each reindex, check the free disk against:" is an action, "Short term:" is not."""
    return any(opens_with_verb(clause) for clause in text.split(", "))


def is_part(text: str) -> bool:
    """A fragment that completes its parent ("queue lag", "p99 latency"), not an action."""
    words = text.split()
    return 0 < len(words) <= MAX_PART_WORDS and not opens_with_verb(text) and not text.endswith(":")


# Words a sentence opens with that are no action: "Impact: the checkout was down".
_NOT_IMPERATIVE_WORDS = (
    "the a an this that these those it its we our they their he she his her there here is was "
    "are were be been has had have do does did not no none all some one two to of in on at for "
    "and or but if when while after before because since as by with from so then also only "
    "very more most each every any many few our your customers users nobody everyone nothing "
    "something everything someone somebody everybody"
)
_NOT_IMPERATIVE = frozenset(_NOT_IMPERATIVE_WORDS.split())


def may_be_imperative(text: str) -> bool:
    """Whether ``text`` may open with a verb outside the closed list ("Recompute the totals",
    "reconcile daily"): its first word is no article, pronoun or preposition, and in the
    verb's bare form (not "needs", "was", "doubled")."""
    first = _first_word_of_a_verb(text)
    if first is None:
        return False
    return not first.endswith(("ed", "s")) or first.endswith(("ss", "us"))


def _first_word_of_a_verb(text: str) -> str | None:
    """The first word, lower-cased, unless it is an article, pronoun or preposition."""
    m = _FIRST_WORD.match(text.lstrip())
    if m is None or m.group(0).lower() in _NOT_IMPERATIVE:
        return None
    return m.group(0).lower()


# Past forms that do not end in "-ed", as lists of actions taken open with them.
_PAST_IRREGULAR_WRITTEN = "built rebuilt wrote rewrote ran reran sent made took put set cut shut"
_PAST_IRREGULAR = frozenset(_PAST_IRREGULAR_WRITTEN.split())


def may_be_past_action(text: str) -> bool:
    """Whether ``text`` may report an action taken ("Disabled the job", "Rebuilt the index"):
    read only where a heading or label says its items were done."""
    first = _first_word_of_a_verb(text)
    if first is None:
        return False
    return (len(first) > 4 and first.endswith("ed")) or first in _PAST_IRREGULAR
