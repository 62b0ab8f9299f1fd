"""Lists under action sections: task lists, bullets, numbered lists, nesting, labels."""

from __future__ import annotations

from tests.markdown.extraction_support import extract, items, only_item, titles


def test_task_lists_including_the_malformed_empty_box() -> None:
    found = items(
        """
        ## Action items

        - [ ] Open task @a
        - [x] Done task @b
        - [X] Also done
        - [] Malformed box is open
        """
    )
    assert [(i.title, i.done, i.status_text) for i in found] == [
        ("Open task", False, None),
        ("Done task", True, "[x]"),
        ("Also done", True, "[X]"),
        ("Malformed box is open", False, None),
    ]


def test_bullets_and_numbered_lists_with_inline_owner_and_date() -> None:
    found = items(
        """
        ## Next Steps

        - Dash bullet @alice due 2026-12-01
        * Star bullet (owner: Bob Smith) (due: Q1 2027)
        + Plus bullet Owner: Carol Jones, due: 1 Dec 2026

        1. Numbered with dot assigned to Dave by Dec 1, 2026
        2) Numbered with paren — @erin by end of Q2
        """
    )
    assert [(i.title, i.owner_text, i.due_text) for i in found] == [
        ("Dash bullet", "@alice", "2026-12-01"),
        ("Star bullet", "Bob Smith", "Q1 2027"),
        ("Plus bullet", "Carol Jones", "1 Dec 2026"),
        ("Numbered with dot", "Dave", "Dec 1, 2026"),
        ("Numbered with paren", "@erin", "end of Q2"),
    ]
    assert [i.line for i in found] == [3, 4, 5, 7, 8]


def test_bold_title_bullets_split_title_and_detail() -> None:
    found = items(
        """
        ## Action Items

        - **Add request coalescing**: the cache client should single-flight misses @nadia
        - **Jitter TTLs** - spread expiry by ±10%
        - **Warm the cache.** Run the script after every flush
        - **Only a bold title**
        """
    )
    assert [(i.title, i.detail, i.owner_text) for i in found] == [
        ("Add request coalescing", "the cache client should single-flight misses", "@nadia"),
        ("Jitter TTLs", "spread expiry by ±10%", None),
        ("Warm the cache", "Run the script after every flush", None),
        ("Only a bold title", None, None),
    ]


def test_nested_bullets_under_a_group_label_are_the_items() -> None:
    found = items(
        """
        ## Action Items

        - Short term:
          - Restart the pods after failover @kofi
          - Pin the replica endpoints
        - **Long term**
          - Upgrade the driver @kofi due 2026-04-15
        - Databases
          - [ ] Add a PDB to every StatefulSet
          - [x] Pause auto-upgrades
        """
    )
    assert [(i.title, i.section) for i in found] == [
        ("Restart the pods after failover", "Action Items / Short term"),
        ("Pin the replica endpoints", "Action Items / Short term"),
        ("Upgrade the driver", "Action Items / Long term"),
        ("Add a PDB to every StatefulSet", "Action Items / Databases"),
        ("Pause auto-upgrades", "Action Items / Databases"),
    ]


def test_nested_bullets_under_an_item_are_its_detail() -> None:
    item = only_item(
        """
        ## Action Items

        - Queue transactional emails instead of failing the request @ahmed
          - keep the queue for at most 1 hour
          - drop marketing emails first
            - then newsletters
        """
    )
    assert item.title == "Queue transactional emails instead of failing the request"
    assert (
        item.detail
        == "keep the queue for at most 1 hour\ndrop marketing emails first\nthen newsletters"
    )


def test_sub_bullets_that_state_a_field_belong_to_their_parent() -> None:
    item = only_item(
        """
        ## Action Items

        - Write the failover runbook
          - Owner: @hana
          - Due: Q2 2026
          - Jira: PAY-77
          - include the client-side checks
        """
    )
    assert (item.title, item.owner_text, item.due_text, item.tracker_refs, item.detail) == (
        "Write the failover runbook",
        "@hana",
        "Q2 2026",
        ("PAY-77",),
        "include the client-side checks",
    )


def test_a_task_with_sub_tasks_is_one_item() -> None:
    item = only_item(
        """
        ## Action Items

        - [ ] Migrate the queue
          - [x] provision the new cluster
          - [ ] switch producers
        """
    )
    assert item.title == "Migrate the queue"
    assert item.detail == "provision the new cluster\nswitch producers"


def test_lazy_continuation_lines_belong_to_the_item() -> None:
    item = only_item(
        """
        ## Action Items

        - Move the geo-IP lookup out of the hot path
        and cache it in-process @ana
        """
    )
    assert (item.title, item.owner_text) == (
        "Move the geo-IP lookup out of the hot path and cache it in-process",
        "@ana",
    )


def test_several_action_sections_keep_their_own_section() -> None:
    found = items(
        """
        # Outage

        ## Short-term remediation

        - Restart the pods

        ## Preventive actions

        - Upgrade the driver

        ### Monitoring

        - Alert on null lag

        ## Lessons learned

        - Not an item
        """
    )
    assert [(i.title, i.section) for i in found] == [
        ("Restart the pods", "Short-term remediation"),
        ("Upgrade the driver", "Preventive actions"),
        ("Alert on null lag", "Preventive actions / Monitoring"),
    ]


def test_bold_paragraph_label_opens_an_action_section_until_the_next_heading() -> None:
    found = items(
        """
        ## Discussion

        The review went well.

        **Action items:**

        - Fix the alert @a

        ## Appendix

        - Not an item
        """
    )
    assert [(i.title, i.section) for i in found] == [("Fix the alert", "Action items")]


def test_bold_list_label_with_nested_items_outside_any_action_section() -> None:
    found = items(
        """
        ## Review

        - Attendees: payments, SRE
        - **Review actions**:
          - Add a canary stage @lin
          - Document the rollback
        - Next review in May
        """
    )
    assert [(i.title, i.section) for i in found] == [
        ("Add a canary stage", "Review actions"),
        ("Document the rollback", "Review actions"),
    ]


def test_narrative_sections_with_bullets_give_no_items() -> None:
    assert (
        items(
            """
        # Outage

        ## Summary

        - The primary lost its disk controller @priya

        ## Impact

        - 47 minutes without writes

        ## Timeline

        - 09:12 — primary stops responding
        - 09:33 — alert pages @tomasz

        ## Root Causes

        - Retries hid the errors

        ## What went well

        - Patroni promoted the standby

        ## Where we got lucky

        - Before the settlement batch

        ## Lessons Learned

        - Retries need budgets
        """
        )
        == ()
    )


def test_placeholders_and_comments_in_lists_give_no_items() -> None:
    assert titles(
        """
        ## Action Items

        - Real one @a
        - <!-- add more -->
        - Add action items here
        - _List follow-ups_
        - e.g. add a dashboard
        - Example: alert on the queue
        - [Action item]
        - <describe the action>
        - {{ action }}
        - TBD
        - etc.
        - ...

        <!--
        - Commented out @zed
        -->
        """
    ) == ["Real one"]


def test_struck_through_item_is_done() -> None:
    found = items(
        """
        ## Action Items

        - ~~Give everyone force-unlock rights~~
        - ~~Switch marketing email off~~ @lucia
        - Keep ~~this~~ that
        """
    )
    assert [(i.title, i.done) for i in found] == [
        ("Give everyone force-unlock rights", True),
        ("Switch marketing email off", True),
        ("Keep this that", False),
    ]


def test_items_in_code_fences_are_not_read() -> None:
    assert titles(
        """
        ## Action Items

        ```
        - Fenced @x
        ```

            - Indented code @y

        - Real @z
        """
    ) == ["Real"]


def test_action_section_ends_at_the_next_heading_of_the_same_level() -> None:
    document = extract(
        """
        ## Action Items

        - Inside

        ### Notes

        - Still inside

        ## Appendix

        - Outside
        """
    )
    assert [(i.title, i.section) for i in document.items] == [
        ("Inside", "Action Items"),
        ("Still inside", "Action Items / Notes"),
    ]


def test_loose_list_item_paragraphs_become_detail() -> None:
    item = only_item(
        """
        ## Follow-ups

        - Add exponential backoff to webhook retries @olu

          Capped at one hour, with jitter.
        """
    )
    assert (item.title, item.detail) == (
        "Add exponential backoff to webhook retries",
        "Capped at one hour, with jitter.",
    )


def test_a_title_heading_that_mentions_follow_ups_is_not_an_action_section() -> None:
    assert (
        titles(
            """
        # Payments outage follow-up

        ## Summary

        - Narrative bullet
        """
        )
        == []
    )


def test_section_names_drop_numbering_emoji_and_colons() -> None:
    item = only_item(
        """
        ## 🛠️ 5. Action Items:

        - Fix it
        """
    )
    assert item.section == "Action Items"


def test_plain_label_line_opens_an_action_section() -> None:
    found = items(
        """
        ## Wrap-up

        Next steps:

        - Schedule the game day @priya
        """
    )
    assert [(i.title, i.section) for i in found] == [("Schedule the game day", "Next steps")]
