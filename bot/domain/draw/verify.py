"""核验 (verify): check a transcript; after the reveal, re-run the draw and compare.

Before the reveal only what needs no secret is checked (hashes, sources, quotas, teams); the
report is then `complete=False`. The commitment itself can only be checked against what was
announced: pass the announced commitment hash (SHA-256 of the commitment's canonical JSON).
After the reveal the draw is re-run from the snapshot, the secret and the public sources, and the
canonical result must be byte-identical to the recorded one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.draw.canonical import canonical_json, json_hash
from bot.domain.draw.checks import check_result
from bot.domain.draw.diff import json_diff
from bot.domain.draw.engine import run_draw
from bot.domain.draw.frame import DrawFrame
from bot.domain.draw.result import Infeasible
from bot.domain.draw.seed import public_key_string, secret_hash
from bot.domain.draw.snapshot import SECTIONS, frame_from_json, frame_to_json, snapshot_hash_of
from bot.domain.draw.transcript import FORMAT, FORMAT_VERSION, result_to_json

EXIT_VERIFIED = 0
EXIT_DIFFERS = 1
EXIT_NOT_REVEALED = 3

_SECTION_WORDS = {
    "meta": "bureau, period, algorithm or cap policy",
    "entities": "entities or their attributes",
    "inspectors": "inspectors, their qualifications or recusals",
    "items": "items, quotas or target groups",
    "previous_pairs": "previous inspections' teams",
}


@dataclass
class VerifyReport:
    """What was checked, what failed, and whether the draw could be re-run."""

    passed: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    complete: bool = False
    commitment_hash: str = ""

    @property
    def ok(self) -> bool:
        """No check failed."""
        return not self.failures

    @property
    def exit_code(self) -> int:
        """0 verified, 1 something differs, 3 nothing differs yet but the secret is unrevealed."""
        if self.failures:
            return EXIT_DIFFERS
        return EXIT_VERIFIED if self.complete else EXIT_NOT_REVEALED

    def check(self, ok: bool, passed: str, failed: str) -> bool:
        """Record one check."""
        (self.passed if ok else self.failures).append(passed if ok else failed)
        return ok


def _check_snapshot(t: dict, report: VerifyReport) -> DrawFrame | None:
    commitment, snapshot = t["commitment"], t["snapshot"]
    committed = commitment.get("sections", {})
    for name in SECTIONS:
        found = json_hash(snapshot.get(name))
        report.check(
            found == committed.get(name),
            f"snapshot section {name} matches the commitment",
            f"snapshot section {name} differs from the commitment: the {_SECTION_WORDS[name]} "
            f"changed after commit (committed {str(committed.get(name))[:16]}…, "
            f"found {found[:16]}…)",
        )
    report.check(
        snapshot_hash_of(committed) == commitment.get("snapshot_hash"),
        "snapshot hash matches the committed section hashes",
        "commitment.snapshot_hash does not match its section hashes",
    )
    meta = snapshot.get("meta", {})
    for key in ("bureau", "period", "algorithm"):
        report.check(
            meta.get(key) == commitment.get(key),
            f"{key} matches the commitment",
            f"snapshot {key} {meta.get(key)!r} differs from the committed {commitment.get(key)!r}",
        )
    try:
        frame = frame_from_json(snapshot)
    except (KeyError, TypeError, ValueError) as exc:
        report.failures.append(f"snapshot cannot be read: {exc}")
        return None
    report.check(
        canonical_json(frame_to_json(frame)) == canonical_json(snapshot),
        "snapshot is in canonical form",
        "snapshot is not in canonical form (order, duplicates or normalisation differ)",
    )
    return frame


def _check_sources(t: dict, report: VerifyReport) -> list[str] | None:
    declared = t["commitment"].get("public_sources", [])
    sources = t.get("public_sources", {})
    values = sources.get("values", [])
    if not report.check(
        len(values) == len(declared),
        f"{len(values)} public source value(s) for {len(declared)} declared source(s)",
        f"{len(declared)} public source(s) were declared but {len(values)} value(s) recorded",
    ):
        return None
    try:
        key = public_key_string(values)
    except ValueError as exc:
        report.failures.append(f"public source values are not RFC 3797 numbers: {exc}")
        return None
    report.check(
        key == sources.get("key_string"),
        f"public key string {key!r} is canonical (RFC 3797)",
        f"public_sources.key_string {sources.get('key_string')!r} should be {key!r}",
    )
    return values


def _check_secret(t: dict, report: VerifyReport) -> bytes | None:
    if t.get("secret") is None:
        report.passed.append("secret not revealed yet: the draw cannot be re-run")
        return None
    secret = bytes.fromhex(t["secret"])
    ok = report.check(
        secret_hash(secret) == t["commitment"].get("secret_hash"),
        "revealed secret matches the committed secret hash",
        "revealed secret does not match the committed secret hash",
    )
    return secret if ok else None


def _rerun(frame: DrawFrame, secret: bytes, values: list[str], t: dict, report: VerifyReport):
    outcome = run_draw(frame, secret, values)
    if isinstance(outcome, Infeasible):
        report.failures.append("re-run: the draw is infeasible: " + "; ".join(outcome.describe()))
        return
    computed = result_to_json(outcome)
    if canonical_json(computed) == canonical_json(t["result"]):
        report.passed.append("re-run: every selection and assignment matches")
        report.complete = True
        return
    differences = json_diff(t["result"], computed, "result")
    report.failures.extend(f"re-run differs at {line}" for line in differences)


def _check_commitment(t: dict, announced: str | None, report: VerifyReport) -> None:
    found = json_hash(t["commitment"])
    report.commitment_hash = found
    if announced is None:
        report.passed.append(f"commitment hash {found}: compare it with the announced one")
        return
    report.check(
        found == announced.strip().lower(),
        "commitment matches the announced commitment hash",
        f"commitment differs from the announced one (announced {announced[:16]}…, "
        f"found {found[:16]}…): its sources, hashes or period were changed",
    )


def verify(transcript: dict, announced: str | None = None) -> VerifyReport:
    """Check a transcript as far as possible; `announced` is the published commitment hash."""
    report = VerifyReport()
    if transcript.get("format") != FORMAT or transcript.get("format_version") != FORMAT_VERSION:
        report.failures.append(f"not a {FORMAT} version {FORMAT_VERSION} transcript")
        return report
    try:
        _check_commitment(transcript, announced, report)
        frame = _check_snapshot(transcript, report)
        values = _check_sources(transcript, report)
        secret = _check_secret(transcript, report)
        result = transcript["result"]
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        report.failures.append(f"transcript is malformed: {exc!r}")
        return report
    report.check(
        json_hash(result) == transcript.get("result_hash"),
        "result hash matches the result",
        "result_hash does not match the result: the result was edited",
    )
    if frame is not None:
        problems = check_result(frame, result)
        report.failures.extend(problems)
        if not problems:
            report.passed.append("quotas, coverage, inspections, teams and caps are consistent")
    if frame is not None and values is not None and secret is not None:
        if any(f.startswith("snapshot") for f in report.failures):
            report.failures.append("re-run skipped: the snapshot is not the committed one")
        else:
            _rerun(frame, secret, values, transcript, report)
    return report
