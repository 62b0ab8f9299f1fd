"""A small fake GitLab: merge requests only (write-back's proposals)."""
