"""Which uppercase words before a number are Jira issue keys: one shape, one deny list. Pure.

Read by the markdown source (finding references in prose), the resolver (parsing a reference
as written) and the HTTP metrics (templating request paths). Imports nothing of syncd: a
source's reading processes load it without the core.
"""

from __future__ import annotations

import re

__all__ = ["JIRA_ISSUE_KEY", "JIRA_PROJECT", "NOT_JIRA_PROJECTS", "is_jira_project_key"]

# Jira's default project key pattern: a letter, then letters, digits or "_".
JIRA_PROJECT = r"[A-Z][A-Z0-9_]+"
JIRA_ISSUE_KEY = rf"{JIRA_PROJECT}-\d+"

# Uppercase words followed by a number that are not Jira project keys: encodings, standards,
# versions, severities, incident ids, hardware. A postmortem mentions them far more often than
# a project could be named like them.
_NOT_PROJECTS_WRITTEN = """
    UTF UCS SHA MD AES RSA DES ECDSA ISO IEC IEEE RFC CVE CWE CVSS COVID HTTP HTTPS TLS SSL
    TLSV IPV TCP UDP DNS API SEV INC PIR IR GPT LLM X86 AMD ARM WIN RHEL EL PY PEP JDK JRE
    JAVA NODE PHP GO K8S EC2 S3 GCP AWS AZ US EU AP CA SLA SLO SLI SOC PCI GDPR HIPAA FIPS
    DDR PCIE USB RAID NVME GEN LTS FY CY UTC GMT CET CEST PST PDT EST EDT MTTR MTTD TTL
    NUMBER NO NR ID REV VER VERSION STEP PHASE TIER LEVEL ZONE RACK NODE POD DC
    """
NOT_JIRA_PROJECTS = frozenset(_NOT_PROJECTS_WRITTEN.split())
# "P1-2" is a priority, "A1-5" a grid cell or a room: no project is named one letter and digits.
_LETTER_AND_DIGITS = re.compile(r"P\d|[A-Z]\d*")


def is_jira_project_key(project: str) -> bool:
    """Whether a project part written in prose ("PAY" of "PAY-123") names a Jira project."""
    return project not in NOT_JIRA_PROJECTS and not _LETTER_AND_DIGITS.fullmatch(project)
