"""One audited submission against its expected status and first diagnosis (shared by the shape-variant tests)."""


def assert_verdict(s: dict, status: str, code: str | None) -> list[str]:
    """Assert the submission's status and, when given, its first diagnosis code; return its codes."""
    codes = [d["code"] for d in s["diagnoses"]]
    assert s["status"] == status, (s["status"], s["error"], codes)
    if code is not None:
        assert codes and codes[0] == code, codes
    return codes
