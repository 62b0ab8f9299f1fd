"""The families of issue 17 that real postmortems are written in, each a small rule with its
table of cases; and the narrative sections that must never give items (negatives)."""

from __future__ import annotations

import pytest

from connectors.markdown.labels import read_label
from connectors.markdown.owner_prefix import split_owner_prefix
from connectors.markdown.placeholders import is_placeholder
from connectors.markdown.title_refs import without_pointer_refs
from tests.markdown.extraction_support import extract, items

# -- action labels inside narrative sections ------------------------------------------------


@pytest.mark.parametrize(
    ("label", "done"),
    [
        ("**Follow-up actions:**", False),
        ("**Next steps:**", False),
        ("**What we did:**", True),
        ("**What we've already done:**", True),
        ("__Actions taken__", True),
    ],
)
def test_an_action_label_inside_a_narrative_section_reads_its_list(label: str, done: bool) -> None:
    found = items(
        f"""
        ## Lessons learned

        The failover worked, but slowly.

        {label}

        - Rotate the replica certificates
        - Document the failover
        """
    )
    assert [(i.title, i.done) for i in found] == [
        ("Rotate the replica certificates", done),
        ("Document the failover", done),
    ]


@pytest.mark.parametrize(
    "section",
    ["Summary", "Timeline", "Root cause", "Impact", "What went well", "Where we got lucky"],
)
def test_labels_inside_story_sections_give_no_items(section: str) -> None:
    assert not items(
        f"""
        ## {section}

        **Actions taken:**

        - Restarted the primary at 10:02
        - Failed over to the replica

        **Follow-up actions:**

        - Add more nodes was suggested
        """
    )


def test_a_bare_bold_heading_of_actions_in_a_story_section_opens_them() -> None:
    # Some editors export a heading as a bold line: "**Action items**", no colon.
    found = items(
        """
        ## Root cause

        The push had no review.

        **Action items**

        - Manage the CDN configuration in Terraform
        """
    )
    assert [(i.title, i.section) for i in found] == [
        ("Manage the CDN configuration in Terraform", "Action items")
    ]


# -- heading variants and statuses in headings ---------------------------------------------


@pytest.mark.parametrize(
    ("heading", "status"),
    [
        ("Preventive measure", None),
        ("Preventative measures", None),
        ("Remediation item", None),
        ("Follow up", None),
        ("Follow-up work", None),
        ("What we're changing", None),
        ("What we are changing", None),
        ("Mitigations", None),
        ("Short-term fixes (all done)", "done"),
        ("Long-term fixes - in progress", "in progress"),
    ],
)
def test_heading_variants_are_action_sections(heading: str, status: str | None) -> None:
    label = read_label(heading)
    assert (label.is_action, label.status) == (True, status)


@pytest.mark.parametrize(
    ("sub_heading", "done", "status"),
    [
        ("Done", True, "done"),
        ("Completed", True, "completed"),
        ("Done during the incident", True, "done"),
        ("In progress", False, "in progress"),
        ("Open", False, "open"),
        ("Later", False, None),
    ],
)
def test_a_status_in_a_heading_applies_to_its_items(
    sub_heading: str, done: bool, status: str | None
) -> None:
    found = items(
        f"""
        ## Action items

        ### {sub_heading}

        - Raise the pool size
        - Tune the retry budget (WIP)

        | Action | Owner |
        |---|---|
        | Add a canary | @a |
        """
    )
    assert [(i.title, i.done, i.status_text) for i in found] == [
        ("Raise the pool size", done, status),
        ("Tune the retry budget", False, "WIP"),  # its own status wins
        ("Add a canary", done, status),
    ]


@pytest.mark.parametrize("heading", ["Mitigation", "Actions taken", "Timeline of actions"])
def test_narrative_headings_stay_narrative(heading: str) -> None:
    assert not read_label(heading).is_action


# -- action sections written as plain lines -----------------------------------------------


def test_plain_lines_are_one_action_each() -> None:
    found = items(
        """
        ## Follow-ups

        The following actions were agreed:

        Add an alert on replication lag above 5 minutes. Owner: Priya Raman
        Recompute the totals from the raw events (done)
        Storage team: rotate the keys
        The scheduler must check its lease before each job.

        Reconcile the ledger every morning, due 2026-04-30
        """
    )
    assert [(i.title, i.owner_text, i.due_text, i.done, i.line) for i in found] == [
        ("Add an alert on replication lag above 5 minutes.", "Priya Raman", None, False, 5),
        ("Recompute the totals from the raw events", None, None, True, 6),
        ("rotate the keys", "Storage team", None, False, 7),
        ("The scheduler must check its lease before each job.", None, None, False, 8),
        ("Reconcile the ledger every morning", None, "2026-04-30", False, 10),
    ]


@pytest.mark.parametrize(
    "paragraph",
    [
        "We discussed these at the review and everyone agreed they are important.",
        "Customers saw errors for twenty minutes. The team paged the database on-call.",
        "Nothing here was done before the incident, which is why it\nhappened again later.",
        "Actions will be added after the review on 10 October.",
        "There are no action items for this incident.",
        "Restarted the primary at 10:02",
    ],
)
def test_narrative_lines_in_an_action_section_give_no_items(paragraph: str) -> None:
    body = "\n        ".join(paragraph.split("\n"))
    assert not items(
        f"""
        ## Action items

        {body}
        """
    )


# -- a parent action completed by its sub-bullets ------------------------------------------


def test_parts_written_as_sub_bullets_are_one_item() -> None:
    found = items(
        """
        ## Action items

        - Add dashboards for:
          - queue lag
          - error rate
        - Add alerts for:
        - disk usage
        - memory pressure
        - Rotate the keys
        - Add alerting on replication lag
        - threshold 30 s, paging the database on-call
        """
    )
    assert [(i.title, i.detail) for i in found] == [
        ("Add dashboards for queue lag and error rate", None),
        ("Add alerts for disk usage and memory pressure", None),
        ("Rotate the keys", None),
        ("Add alerting on replication lag", "threshold 30 s, paging the database on-call"),
    ]


@pytest.mark.parametrize(
    ("parent", "title"),
    [
        ("- [ ] Alert on:", "Alert on queue lag and error rate"),
        ("- [ ] Add dashboards for", "Add dashboards for queue lag and error rate"),
        (
            "1. Before each reindex, check the free disk against:",
            "Before each reindex, check the free disk against: queue lag and error rate",
        ),
        ("- For every cluster, alert on:", "For every cluster, alert on queue lag and error rate"),
    ],
)
def test_a_task_or_a_clause_opening_with_a_verb_is_a_parent_of_parts(
    parent: str, title: str
) -> None:
    indent = " " * (parent.index(" ") + 1)
    found = items(f"## Action items\n\n{parent}\n{indent}- queue lag\n{indent}- error rate\n")
    assert [i.title for i in found] == [title]


@pytest.mark.parametrize("parent", ["- Short term:", "- [ ] Monitoring:", "- Before the release:"])
def test_a_label_over_noun_phrases_is_still_a_group(parent: str) -> None:
    found = items(f"## Action items\n\n{parent}\n  - queue lag alert\n  - error rate page\n")
    assert [i.title for i in found] == ["queue lag alert", "error rate page"]


@pytest.mark.parametrize("marker", ["-", "*"])
def test_unindented_details_after_a_numbered_item_are_its_details(marker: str) -> None:
    found = items(
        f"""
        ## Action items

        1. Page the search on-call when the reindex stalls (owner: @kasia)
        {marker} threshold: no progress for 30 minutes
        {marker} severity: high
        2. Document how to pause a reindex
        """
    )
    assert [(i.title, i.detail) for i in found] == [
        (
            "Page the search on-call when the reindex stalls",
            "threshold: no progress for 30 minutes\nseverity: high",
        ),
        ("Document how to pause a reindex", None),
    ]


def test_lists_one_after_the_other_outside_action_sections_stay_apart() -> None:
    assert not items(
        """
        ## Timeline

        1. 10:02 - alert fires
        - threshold: no progress for 30 minutes
        """
    )


def test_a_part_keeps_its_reference() -> None:
    found = items("## Action items\n\n- Add alerts on:\n  - queue lag (#12)\n  - error rate\n")
    assert [(i.title, i.tracker_refs) for i in found] == [
        ("Add alerts on queue lag and error rate", ("#12",))
    ]


def test_group_labels_and_action_children_are_still_groups() -> None:
    found = items(
        """
        ## Action items

        - Short term:
          - Restart the pods
          - Pin the replica endpoints
        - Improve alerting for:
          - Add a lag alert
          - Page on error rate
        """
    )
    assert [i.title for i in found] == [
        "Restart the pods",
        "Pin the replica endpoints",
        "Add a lag alert",
        "Page on error rate",
    ]


@pytest.mark.parametrize(
    ("line", "title"),
    [
        (
            "Disabled the retention job until the fix is verified",
            "Disabled the retention job until the fix is verified",
        ),
        ("Restored the versioned attachments", "Restored the versioned attachments"),
    ],
)
@pytest.mark.parametrize(("heading", "taken"), [("Completed", True), ("In progress", False)])
def test_plain_lines_of_actions_taken_under_a_done_heading(
    line: str, title: str, heading: str, taken: bool
) -> None:
    found = items(f"## Next steps\n\n### {heading}\n\n{line}\nSet the retention to 365 days\n")
    expected = [(title, True)] if taken else []
    assert [(i.title, i.done) for i in found] == [
        *expected,
        ("Set the retention to 365 days", taken),
    ]


# -- owners written as a prefix ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Storage team: rotate the keys", ("Storage team", "rotate the keys")),
        ("SRE — add the alert", ("SRE", "add the alert")),
        ("@alice: write the runbook", ("@alice", "write the runbook")),
        ("Alice Smith: Write the runbook", ("Alice Smith", "Write the runbook")),
        (
            "Carrier integration: validate weights first",
            ("Carrier integration", "validate weights first"),
        ),
        ("Database team: upgrade PostgreSQL", ("Database team", "upgrade PostgreSQL")),
        ("Alerting: Page the on-call sooner", None),  # a topic, not an owner
        ("Note: the keys were rotated", None),
        ("Impact: doubled latency for an hour", None),
        ("Review batches: breaking changes get their own PR", None),  # opens with a verb
        ("Send Cache-Control: private on every response", None),
        ("Example: Add a dashboard", None),
        ("Storage team: keys", None),  # no action after it
    ],
)
def test_owner_prefixes(title: str, expected: tuple[str, str] | None) -> None:
    assert split_owner_prefix(title) == expected


def test_an_owner_prefix_and_a_bold_owner_in_a_list() -> None:
    found = items(
        """
        ## Action items

        - Storage team: rotate the keys, due 2026-05-01
        - **SRE**: add the alert
        - **Jitter TTLs** - spread expiry by 10%
        """
    )
    assert [(i.title, i.owner_text, i.due_text, i.detail) for i in found] == [
        ("rotate the keys", "Storage team", "2026-05-01", None),
        ("add the alert", "SRE", None, None),
        ("Jitter TTLs", None, None, "spread expiry by 10%"),
    ]


# -- template placeholders ------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "{{ summary }}",
        "Fix {{ component }} before launch",
        "${action}",
        "<action>",
        "[link to issue]",
        "TODO: describe",
        "TODO: describe the follow-up, add an owner",
        "Lorem ipsum dolor sit amet",
        "Describe the action",
        "(owner: , due: )",
        "No action items were identified.",
        "Actions will be added after the review.",
    ],
)
def test_template_placeholders(raw: str) -> None:
    found = items(f"## Action items\n\n- {raw}\n- Real one\n")
    assert [i.title for i in found] == ["Real one"]
    assert not is_placeholder("Rotate the keys", "Rotate the keys")


def test_a_blank_of_a_template_is_cut_out_of_a_real_title() -> None:
    found = items("## Action items\n\n- Add the lag alert [link to issue]\n")
    assert [i.title for i in found] == ["Add the lag alert"]


def test_table_rows_repeating_the_header_are_template() -> None:
    found = items(
        """
        ## Action items

        | Action | Owner | Due |
        |---|---|---|
        | Action | Owner | Due |
        | Fix the pool | @a | 2026-01-01 |
        """
    )
    assert [i.title for i in found] == ["Fix the pool"]


# -- done written in prose --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "title", "done"),
    [
        ("Add the alert (done)", "Add the alert", True),
        ("Add the alert (completed)", "Add the alert", True),
        ("Add the alert ✅", "Add the alert", True),
        ("Add the alert ✔️", "Add the alert", True),
        ("Add the alert ☑️", "Add the alert", True),
        ("~~Add the alert~~", "Add the alert", True),
        ("Add the alert, merged in #123", "Add the alert", True),
        ("Revoke the key (done, see SEC-300)", "Revoke the key", True),
        ("Added the alert to the dashboard", "Added the alert to the dashboard", False),
        ("Rolled back the deploy and restarted the pods", None, False),
    ],
)
def test_done_in_prose(raw: str, title: str | None, done: bool) -> None:
    found = items(f"## Action items\n\n- {raw}\n")
    assert [(i.title, i.done) for i in found] == [(title or raw, done)]


# -- clean titles -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "title", "refs"),
    [
        ("Add the alert, see ([PAY-12](https://x.atlassian.net/browse/PAY-12))", "Add the alert",
         ("PAY-12", "https://x.atlassian.net/browse/PAY-12")),
        ("Add the runbook - [jira](https://x.atlassian.net/browse/PAY-13)", "Add the runbook",
         ("https://x.atlassian.net/browse/PAY-13",)),
        ("Fix the race: #123", "Fix the race", ("#123",)),
        ("Fix the flake #5554823", "Fix the flake", ("#5554823",)),
        ("Fix the flake Bug #5554823", "Fix the flake", ("#5554823",)),
        ("Rotate the keys (see #45)", "Rotate the keys", ("#45",)),
        ("Alert per endpoint - jira MOB-902", "Alert per endpoint", ("MOB-902",)),
        ("Add it to the checklist (see (MOB-903))", "Add it to the checklist", ("MOB-903",)),
        ("Issue sandbox keys — tracked in [the board](https://x.atlassian.net/browse/SEC-3)",
         "Issue sandbox keys", ("https://x.atlassian.net/browse/SEC-3",)),
        ("Add the scheme to the status page, see PAY-2211",
         "Add the scheme to the status page", ("PAY-2211",)),
        # A bracket that says more than where to look stays whole.
        ("Track the surge (see #52 for the panel spec)",
         "Track the surge (see #52 for the panel spec)", ("#52",)),
        ("Backport PAY-12", "Backport PAY-12", ("PAY-12",)),
    ],
)  # fmt: skip
def test_clean_titles(raw: str, title: str, refs: tuple[str, ...]) -> None:
    found = items(f"## Action items\n\n- {raw}\n")
    assert [(i.title, i.tracker_refs) for i in found] == [(title, refs)]


def test_a_title_that_is_only_a_reference_is_kept() -> None:
    assert without_pointer_refs("#123") == ("#123", None)


# -- negatives: narrative sections with bullets, bold labels, past tense --------------------


def test_a_whole_narrative_postmortem_gives_no_items() -> None:
    document = extract(
        """
        # Checkout outage

        ## Summary

        - **Follow-up actions were delayed** by the outage
        - We added capacity

        ## Timeline

        **10:02:** Paged the on-call

        - **10:05** Restarted the database
        - Add more nodes was suggested

        ## What went well

        - Alerting worked
        - **Rollback:** took two minutes

        ## Root cause

        The deploy added a bad flag.

        ## Impact

        - 5% of checkouts failed

        ## Lessons learned

        - Alerts should be actionable
        - We need better runbooks
        """
    )
    assert document.items == ()
    skipped = [(s.section, s.what) for s in document.explanations if not s.taken]
    assert ("Timeline", "list") in skipped and ("Lessons learned", "list") in skipped


@pytest.mark.parametrize(
    ("raw", "title", "owner", "due"),
    [
        (
            "Review the registrations (owner: Identity on-call lead)",
            "Review the registrations",
            "Identity on-call lead",
            None,
        ),
        (
            "Alert on deletions (owner: Support tooling on-call)",
            "Alert on deletions",
            "Support tooling on-call",
            None,
        ),
        ("Move the CA (owner: Ama Owusu, due Q2 2026)", "Move the CA", "Ama Owusu", "Q2 2026"),
        ("Move the CA (owner: ops lead by 2026-05-01)", "Move the CA", "ops lead", "2026-05-01"),
        ("Move the CA (owner: carol/dave)", "Move the CA", "carol/dave", None),
    ],
)
def test_an_owner_alone_in_brackets_runs_to_the_bracket(
    raw: str, title: str, owner: str, due: str | None
) -> None:
    found = items(f"## Action items\n\n- {raw}\n")
    assert [(i.title, i.owner_text, i.due_text) for i in found] == [(title, owner, due)]
