"""执法人员索引 (roster): inspectors by department and expertise, and recusals by entity."""

from __future__ import annotations

from bot.domain.draw.frame import DrawFrame, FrameInspector

EXPERT_POOL = ""  # experts are not split by department: one pool, under this name


class Roster:
    """Who may be drawn at all, grouped so that a visit's candidates are found without a scan.

    `qualified(department, expertise)` is cached: the keys (sorted) of the drawable inspectors of a
    department whose expertise covers the given set. For experts, department is EXPERT_POOL.
    """

    def __init__(self, frame: DrawFrame) -> None:
        self.staff: dict[str, list[FrameInspector]] = {}
        self.experts: dict[str, list[FrameInspector]] = {EXPERT_POOL: []}
        self.recused: dict[str, set[str]] = {}
        for ins in frame.inspectors:  # already sorted by key
            if ins.drawable_staff():
                self.staff.setdefault(ins.department, []).append(ins)
            elif ins.drawable_expert():
                self.experts[EXPERT_POOL].append(ins)
            for sid in ins.recused:
                self.recused.setdefault(sid, set()).add(ins.key)
        self._cache: dict[tuple[bool, str, frozenset[str]], tuple[list[str], frozenset[str]]] = {}

    def group(self, expert: bool) -> dict[str, list[FrameInspector]]:
        """Drawable inspectors of one kind by department (experts: one pool)."""
        return self.experts if expert else self.staff

    def qualified(self, expert: bool, department: str, expertise: frozenset[str]) -> list[str]:
        """Sorted keys of drawable inspectors of the department holding all of `expertise`."""
        return self._qualified(expert, department, expertise)[0]

    def qualified_set(self, expert: bool, department: str, expertise: frozenset[str]) -> frozenset:
        """The same keys as a set."""
        return self._qualified(expert, department, expertise)[1]

    def _qualified(
        self, expert: bool, department: str, expertise: frozenset[str]
    ) -> tuple[list[str], frozenset[str]]:
        key = (expert, department, expertise)
        hit = self._cache.get(key)
        if hit is None:
            people = self.group(expert).get(department, [])
            keys = [i.key for i in people if expertise <= i.expertise]
            hit = self._cache[key] = (keys, frozenset(keys))
        return hit

    def recused_for(self, entity: str) -> set[str]:
        """Keys of inspectors who must not inspect this entity (回避)."""
        return self.recused.get(entity, set())
