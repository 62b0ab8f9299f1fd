"""Who an owner written in a postmortem is: a key of the team's people map, or why not.

Matching is exact after normalisation (case, whitespace, markdown leftovers, a leading ``@``),
never fuzzy: assigning an issue to the wrong person is worse than leaving it unassigned with a
reason a human can act on.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from syncd.model import CoOwner, Owner
from syncd.plugins import mention_patterns
from syncd.resolve.text import (
    MARKDOWN_LINK,
    UNKNOWN_VALUES,
    collapse_whitespace,
    drop_struck_through,
    strip_markup,
)

# What templates and authors write when nobody owns the item yet.
_PLACEHOLDERS = UNKNOWN_VALUES | {
    "nobody",
    "no one",
    "noone",
    "unassigned",
    "not assigned",
    "to be assigned",
    "owner",
    "owners",
    "owner name",
    "name",
    "who",
    "someone",
    "anyone",
    "no owner",
    "owner needed",
    "needs owner",
    "needs an owner",
    "unowned",
    "up for grabs",
}
# "nobody yet", "unassigned yet", "TBD yet": a placeholder with "yet" after it is still one.
_YET = " yet"
# What ends a sentence or a list, not a name: "bob." "bob," "bob;" (CONTRACT: "bob." is bob).
TRAILING_PUNCTUATION = ".,;:"

# Separators between several owners: "alice, bob", "Alice & Bob", "alice / bob", "Alice and Bob".
# A comma, semicolon or line break always separates, as does the space between two handles
# ("@carol @dave"). The others may sit inside one name ("R&D", "Search / Ads"), so a piece
# between strong separators is looked up whole before it is split on them. "+" only with
# spaces around it, so that "alice+oncall@acme.com" stays one address; the "/" of "n/a" is
# not a separator either.
_STRONG_SEPARATOR = re.compile(r"\s*[,;\n]\s*|\s+(?=@\w)")
_WEAK_SEPARATOR = re.compile(
    r"\s*(?:(?<=\s)&|&(?=\s)|(?<!\bn)/|/(?!a\b)|\s\+\s|\band\b|\bor\b)\s*",
    re.IGNORECASE,
)
# "&" separates only with a space beside it: "R&D" and "AT&T liaison" are one name each.
# A note that adds someone, "carol (and dave)", "carol (+ dave)", names a co-owner.
_ADDED_IN_NOTE = re.compile(r"\(\s*(?:and|&|\+|with|also)\s+(?P<added>[^()]+?)\s*\)", re.IGNORECASE)
# "carol?" is carol, written with doubt; "?" alone stays a placeholder.
_DOUBT = "?!"
# "Smith, Alice": one person written surname first, when the people map knows "Alice Smith".
_SURNAME_FIRST = re.compile(r"^(?P<last>[^\s,;&/@]+),\s*(?P<first>[^\s,;&/@]+)$")
_PARENTHESES = re.compile(r"\([^()]*\)")
_PARKED = re.compile(r"\x00(\d+)\x00")
_NAME_WITH_EMAIL = re.compile(r"^(?P<name>.*?)\s*<(?:mailto:)?(?P<email>[^<>@\s]+@[^<>\s]+)>$")
_EMAIL = re.compile(r"^(?:mailto:)?(?P<email>[^@\s]+@[^@\s]+\.[^@\s]+)$", re.IGNORECASE)
_PARENTHETICAL = re.compile(r"^(?P<outer>.*?)\s*\((?P<inner>[^()]*)\)$")
# A profile URL names a user by its last path segment: github.com/alice, gitlab.com/alice.
_PROFILE_URL = re.compile(r"^https?://[^/]+/(?P<user>[A-Za-z0-9][A-Za-z0-9._-]*)/?$")


@dataclass(frozen=True, slots=True)
class Person:
    """One entry of a people map: a person, or a team whose ``lead`` is assigned in its stead."""

    key: str  # the people-map key, e.g. "alice", or a team like "core-1-team"
    aliases: tuple[str, ...] = ()
    email: str | None = None
    # The person's id in each connector that has one, by connector type (a tracker's ``system``
    # is its type): what a tracker assigns, and how a tracker's user is known again.
    handles: Mapping[str, str] = field(default_factory=dict, hash=False)
    # The handles documents may write an owner as (a chat member id, a tracker login).
    owner_names: tuple[str, ...] = ()
    lead: str | None = None  # for a team entry: the key of the person who is assigned


def is_placeholder_owner(owner_text: str | None) -> bool:
    """True when the text names nobody: empty, ``TBD``, ``?``, ``n/a`` (also ``TBD / ?``)."""
    if owner_text is None:
        return True
    return not any(True for _ in _owner_parts(owner_text))


def _is_placeholder(token: str) -> bool:
    """``token`` is normalised (``_normalise``)."""
    return token in _PLACEHOLDERS or token.removesuffix(_YET) in _PLACEHOLDERS


def written_owner(owner_text: str) -> str:
    """The owner text as shown: outer whitespace and a trailing ".", ",", ";" or ":" dropped."""
    return owner_text.strip().rstrip(TRAILING_PUNCTUATION).rstrip()


class PeopleDirectory:
    """A team's people map, indexed by every name a person may be written as.

    The constructor raises ``ValueError`` when two entries claim the same name (key, alias,
    handle or e-mail), naming both keys: such a map cannot resolve that name safely.
    """

    def __init__(self, people: Iterable[Person]) -> None:
        self._people: dict[str, Person] = {}
        # normalised name -> (person key, how that name belongs to the person)
        self._index: dict[str, tuple[str, str]] = {}
        for person in people:
            if person.key in self._people:
                raise ValueError(f"people map: {person.key!r} is defined twice")
            self._people[person.key] = person
        for person in self._people.values():
            for name, via in _names_of(person):
                self._claim(name, person.key, via)

    def _claim(self, name: str, key: str, via: str) -> None:
        token = _normalise(name)
        if not token:
            return
        holder = self._index.get(token)
        if holder is None:
            self._index[token] = (key, via)
        elif holder[0] != key:
            raise ValueError(
                f"people map: {name!r} is claimed by both {holder[0]!r} and {key!r}; "
                "remove it from one of them"
            )
        # The same person naming itself twice (key "alice", alias "@alice") is fine; the first
        # claim wins, and keys come first, so "via" says the most specific thing.

    def get(self, key: str) -> Person | None:
        return self._people.get(key)

    def __len__(self) -> int:
        return len(self._people)

    def __iter__(self) -> Iterator[Person]:
        return iter(self._people.values())

    def resolve(self, owner_text: str | None) -> Owner:
        """The owners as written: the first that resolves is the assignee, the others co-owners.

        The whole text is tried first, so one person whose name holds a separator ("R&D",
        "Smith, Alice") stays one person when the people map knows the name.
        """
        if owner_text is None or not written_owner(owner_text):
            return Owner(written=None, person=None)
        written = written_owner(owner_text)
        parts = list(_owner_parts(written, self._knows))
        if not parts:
            return Owner(written=written, person=None)  # a placeholder: nobody named

        if len(parts) > 1:
            whole = self._whole(written)
            if whole is not None:
                return dataclasses.replace(whole, written=written)

        first_failure: str | None = None
        for index, candidate in enumerate(parts):
            found = self._resolve_one(candidate)
            if isinstance(found, str):
                first_failure = first_failure or found
                continue
            if found is None:
                continue
            assignee, via = found
            others = [part for n, part in enumerate(parts) if n != index]
            return Owner(
                written=written,
                person=assignee,
                via=via,
                co_owners=self._co_owners(others, exclude={assignee}),
            )

        if first_failure is None:
            names = " or ".join(repr(part.label) for part in parts)
            first_failure = f"no one called {names} in the people map"
        return Owner(
            written=written,
            person=None,
            unresolved_reason=first_failure,
            co_owners=self._co_owners(parts[1:], exclude={_normalise(parts[0].label)}),
        )

    def _whole(self, written: str) -> Owner | None:
        """The whole text as one person, when the people map knows it so (or surname first)."""
        text = strip_markup(drop_struck_through(written))
        forms = [text]
        if match := _SURNAME_FIRST.match(text):
            forms.append(f"{match['first']} {match['last']}")
        found = self._resolve_one(_Candidate(label=text, forms=tuple(forms)))
        if found is None or isinstance(found, str):
            return None
        return Owner(written=written, person=found[0], via=found[1])

    def _resolve_one(self, candidate: _Candidate) -> tuple[str, str] | str | None:
        """(person, via) for one written owner; the reason when it names an unassignable
        entry; None when the people map does not know it."""
        match = self._lookup(candidate)
        if match is None:
            return None
        key, via = match
        assignee, failure = self._follow_leads(key)
        if assignee is None:
            return failure
        return assignee, ("lead" if assignee != key else via)

    def _co_owners(self, parts: list[_Candidate], *, exclude: set[str]) -> tuple[CoOwner, ...]:
        """Each other owner once, in the order written; the assignee is not their own co-owner.

        ``exclude``: the assignee's key, or the first owner's normalised name when nobody
        resolved."""
        seen = set(exclude)
        out: list[CoOwner] = []
        for part in parts:
            found = self._resolve_one(part)
            person = found[0] if isinstance(found, tuple) else None
            identity = person if person is not None else _normalise(part.label)
            if identity in seen:
                continue
            seen.add(identity)
            out.append(CoOwner(written=part.label, person=person))
        return tuple(out)

    def _knows(self, candidate: _Candidate) -> bool:
        return self._lookup(candidate) is not None

    def _lookup(self, candidate: _Candidate) -> tuple[str, str] | None:
        for form in candidate.forms:
            token = _normalise(form)
            if token and (match := self._index.get(token)) is not None:
                return match
        return None

    def _follow_leads(self, key: str) -> tuple[str | None, str | None]:
        """The person a (possibly team) entry assigns to, or None and the reason."""
        chain = [key]
        person = self._people[key]
        while person.lead is not None:
            lead = self._people.get(person.lead)
            if lead is None:
                return None, (
                    f"{person.key!r} is assigned to its lead {person.lead!r}, "
                    "who is not in the people map"
                )
            if lead.key in chain:
                loop = " -> ".join([*chain, lead.key])
                return None, f"the leads of {key!r} go round in a circle: {loop}"
            chain.append(lead.key)
            person = lead
        return person.key, None


@dataclass(frozen=True, slots=True)
class _Candidate:
    """One owner out of the written text: a label for messages, and the forms to look up."""

    label: str
    forms: tuple[str, ...]


def _names_of(person: Person) -> Iterator[tuple[str, str]]:
    yield person.key, "key"
    for alias in person.aliases:
        yield alias, "alias"
    for handle in person.owner_names:
        if handle:
            yield handle, "handle"
    if person.email:
        yield person.email, "email"


def _normalise(name: str) -> str:
    """Case-, width- and whitespace-insensitive form of a name; a leading ``@`` is dropped."""
    token = collapse_whitespace(unicodedata.normalize("NFKC", name)).casefold()
    token = token.strip(" .,:;!'\"[]{}<>")
    return token.removeprefix("@").strip()


def _owner_parts(
    written: str, is_one_owner: Callable[[_Candidate], bool] | None = None
) -> Iterator[_Candidate]:
    """Each owner named in the text, placeholders left out, in the order written.

    ``is_one_owner`` says whether a piece between strong separators names one owner as a
    whole ("R&D"); without it, every separator splits.
    """
    # A struck-through owner was replaced: "~~alice~~ bob" is bob's.
    text = drop_struck_through(written)
    # Links ("/" in URLs) and notes in parentheses ("Alice (SRE/on-call)") are set aside so that
    # splitting on separators cannot cut them.
    set_aside: list[re.Match[str]] = []

    def _park(match: re.Match[str]) -> str:
        set_aside.append(match)
        return f"\x00{len(set_aside) - 1}\x00"

    def _candidate(raw_part: str) -> _Candidate | None:
        link_urls: list[str] = []

        def _restore(parked: re.Match[str], urls: list[str] = link_urls) -> str:
            original = set_aside[int(parked.group(1))]
            if original.re is MARKDOWN_LINK:
                urls.append(original["url"])
                return original["text"]
            return _PARKED.sub(_restore, original.group())  # a note may hold a parked link

        part = strip_markup(_PARKED.sub(_restore, raw_part)).rstrip(TRAILING_PUNCTUATION).rstrip()
        if part.rstrip(_DOUBT):
            part = part.rstrip(_DOUBT).rstrip(TRAILING_PUNCTUATION).rstrip()
        if _is_placeholder(_normalise(part)) and not link_urls:
            return None
        forms = _forms_of(part, link_urls)
        return _Candidate(label=part or forms[0], forms=forms) if forms else None

    text = _ADDED_IN_NOTE.sub(lambda note: f", {note['added']}", text)
    text = _PARENTHESES.sub(_park, MARKDOWN_LINK.sub(_park, text))
    for piece in _STRONG_SEPARATOR.split(text):
        pieces = _WEAK_SEPARATOR.split(piece)
        if len(pieces) > 1 and is_one_owner is not None:
            whole = _candidate(piece)
            if whole is not None and is_one_owner(whole):
                yield whole
                continue
        for raw_part in pieces:
            if (candidate := _candidate(raw_part)) is not None:
                yield candidate


def _mention(part: str) -> re.Match[str] | None:
    return next((m for p in mention_patterns() if (m := p.match(part)) is not None), None)


def _forms_of(part: str, link_urls: list[str]) -> tuple[str, ...]:
    """The ways one written owner may be found in the index, most precise first."""
    forms: list[str] = []
    if match := _NAME_WITH_EMAIL.match(part):
        forms += [match.group("email"), match.group("name")]
    elif match := _EMAIL.match(part):
        forms.append(match.group("email"))
    elif match := _mention(part):  # in a connector's markup: <@U012ABCDEF>, [~accountid:…]
        forms.append(match.group("id"))
        if "name" in match.re.groupindex:
            forms.append(match.group("name") or "")
    else:
        forms.append(part)
        if match := _PARENTHETICAL.match(part):
            # "Alice (SRE)" is Alice; "Payments on-call (alice)" is alice.
            forms += [match.group("outer"), match.group("inner")]
    for url in link_urls:
        if url_match := _EMAIL.match(url):
            forms.append(url_match.group("email"))
        elif url_match := _PROFILE_URL.match(url):
            forms.append(url_match.group("user"))
    return tuple(form for form in forms if not _is_placeholder(_normalise(form)))
