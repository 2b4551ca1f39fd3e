"""快照 (snapshot): the frame as canonical JSON, its section hashes and the snapshot hash.

The snapshot has five sections: meta, entities, inspectors, items, previous_pairs. Each section's
hash is SHA-256 of its canonical JSON; the snapshot hash is SHA-256 of the canonical JSON of the
object {section name: section hash}. Committing the section hashes lets `verify` say *which* part
of a frame changed. Group membership (eligible, uncovered) is a bitmap over the entities in
stable-id order: bit i (most significant bit first in each byte) is entity i; base64 with padding.
"""

from __future__ import annotations

import base64
from collections import deque
from collections.abc import Mapping, Sequence
from itertools import repeat
from json.encoder import encode_basestring

from bot.domain.draw.canonical import canonical_json, json_hash, sha256_hex
from bot.domain.draw.columns import FrameColumns, bitmap, columns
from bot.domain.draw.frame import (
    CapPolicy,
    DrawFrame,
    FrameEntity,
    FrameGroup,
    FrameInspector,
    FrameItem,
)

SECTIONS = ("meta", "entities", "inspectors", "items", "previous_pairs")


def encode_bitmap(ids: object, index: dict[str, int], size: int) -> dict:
    """{"count", "bitmap"} for a set of stable ids over `size` entities in stable-id order: the
    plain definition, kept for the test vectors; a draw writes them with `columns.bitmap`."""
    ids = list(ids)
    marks = bytearray(b"0" * (size + (-size) % 8))
    deque(map(marks.__setitem__, map(index.__getitem__, ids), repeat(ord("1"))), maxlen=0)
    raw = int(marks, 2).to_bytes(len(marks) // 8, "big") if marks else b""
    return {"count": len(ids), "bitmap": base64.b64encode(raw).decode("ascii")}


def decode_bitmap(value: dict, order: list[str]) -> list[str]:
    """The stable ids a bitmap marks, checked against its count."""
    raw = base64.b64decode(value["bitmap"], validate=True)
    if len(raw) != (len(order) + 7) // 8:
        raise ValueError("bitmap length does not match the number of entities")
    bits = bin(int.from_bytes(raw, "big"))[2:].zfill(len(raw) * 8) if raw else ""
    if "1" in bits[len(order) :]:
        raise ValueError("bitmap marks entities beyond the last one")
    ids = [order[i] for i, bit in enumerate(bits[: len(order)]) if bit == "1"]
    if len(ids) != value["count"]:
        raise ValueError(f"bitmap marks {len(ids)} entities but says {value['count']}")
    return ids


def _item_json(item: FrameItem, cols: FrameColumns, size: int) -> dict:
    return {
        "item": item.item_id,
        "department": item.department,
        "expertise_required": sorted(item.expertise_required),
        "inspectors_required": item.inspectors_required,
        "experts_required": item.experts_required,
        "groups": [
            {
                "group": g.group_id,
                "quota": g.quota,
                "target": {k: list(v) for k, v in g.target.items()},
                **_membership_bitmaps(g, cols, size),
            }
            for g in item.groups
        ],
    }


def _membership_bitmaps(g: FrameGroup, cols: FrameColumns, size: int) -> dict:
    eligible = bitmap(cols.eligible(g), size)
    # uncovered is a subset of eligible: of the same size it is the same set (no history yet)
    same = len(g.uncovered) == len(g.eligible)
    uncovered = eligible if same else bitmap(cols.uncovered(g), size)
    return {"eligible": eligible, "uncovered": uncovered}


def _inspector_json(i: FrameInspector) -> dict:
    return {
        "key": i.key,
        "department": i.department,
        "kind": i.kind.value,
        "certificate": i.certificate,
        "active": i.active,
        "expertise": sorted(i.expertise),
        "recused": sorted(i.recused),
    }


def _plain(attributes: Mapping[str, str]) -> dict[str, str]:
    return dict(attributes) if attributes else {}


def _entities_json(entities: Sequence[FrameEntity]) -> list[dict]:
    return [{"id": e.stable_id, "attributes": _plain(e.attributes)} for e in entities]


_PLAIN_OPEN, _PLAIN_SEP = '{"attributes":{},"id":', '},{"attributes":{},"id":'


def entities_canonical(entities: Sequence[FrameEntity]) -> bytes:
    """The canonical JSON of the entities section, the same bytes as
    `canonical_json(frame_to_json(frame)["entities"])`. An open draw's entities carry no
    attributes, so their objects are written straight from the quoted ids (json's own string
    encoder), without 180,000 dicts for a province; otherwise the general path."""
    if not entities:
        return b"[]"
    if any(e.attributes for e in entities):
        return canonical_json(_entities_json(entities), floats_excluded=True)
    quoted = map(encode_basestring, [e.stable_id for e in entities])
    return ("[" + _PLAIN_OPEN + _PLAIN_SEP.join(quoted) + "}]").encode("utf-8")


def frame_to_json(frame: DrawFrame) -> dict:
    """The snapshot of a frame as a JSON object with the five sections."""
    return _frame_json(frame, _entities_json(frame.entities))


def _frame_json(frame: DrawFrame, entities_json: list[dict] | None) -> dict:
    cols = columns(frame)
    size = len(frame.entities)
    policy = frame.cap_policy
    return {
        "meta": {
            "bureau": frame.bureau,
            "period": frame.period,
            "algorithm": frame.algorithm,
            "cap_policy": {"staff_slack": policy.staff_slack, "expert_slack": policy.expert_slack},
        },
        "entities": entities_json,
        "inspectors": [_inspector_json(i) for i in frame.inspectors],
        "items": [_item_json(item, cols, size) for item in frame.items],
        "previous_pairs": {k: sorted(v) for k, v in frame.previous_pairs.items()},
    }


def section_hashes(frame: DrawFrame) -> dict[str, str]:
    """SHA-256 of each section's canonical JSON."""
    snapshot = _frame_json(frame, None)
    return {
        name: sha256_hex(entities_canonical(frame.entities))
        if name == "entities"
        else json_hash(snapshot[name])
        for name in SECTIONS
    }


def snapshot_hash_of(sections: dict[str, str]) -> str:
    """The snapshot hash: SHA-256 of the canonical JSON of the section hashes."""
    return json_hash({name: sections[name] for name in SECTIONS})


def _group_from(g: dict, order: list[str]) -> FrameGroup:
    return FrameGroup(
        group_id=g["group"],
        quota=g["quota"],
        eligible=tuple(decode_bitmap(g["eligible"], order)),
        uncovered=frozenset(decode_bitmap(g["uncovered"], order)),
        target={k: tuple(v) for k, v in g["target"].items()},
    )


def frame_from_json(snapshot: dict) -> DrawFrame:
    """A frame back from its snapshot JSON (the inverse of frame_to_json)."""
    meta = snapshot["meta"]
    entities = [FrameEntity(e["id"], e["attributes"]) for e in snapshot["entities"]]
    order = sorted(e.stable_id for e in entities)
    if order != [e["id"] for e in snapshot["entities"]]:
        raise ValueError("entities must be listed in stable-id order")
    items = [
        FrameItem(
            item_id=i["item"],
            department=i["department"],
            groups=tuple(_group_from(g, order) for g in i["groups"]),
            expertise_required=frozenset(i["expertise_required"]),
            inspectors_required=i["inspectors_required"],
            experts_required=i["experts_required"],
        )
        for i in snapshot["items"]
    ]
    inspectors = [
        FrameInspector(
            key=i["key"],
            department=i["department"],
            kind=i["kind"],
            certificate=i["certificate"],
            active=i["active"],
            expertise=frozenset(i["expertise"]),
            recused=frozenset(i["recused"]),
        )
        for i in snapshot["inspectors"]
    ]
    return DrawFrame(
        bureau=meta["bureau"],
        period=meta["period"],
        items=tuple(items),
        entities=tuple(entities),
        inspectors=tuple(inspectors),
        previous_pairs={k: frozenset(v) for k, v in snapshot["previous_pairs"].items()},
        cap_policy=CapPolicy(**meta["cap_policy"]),
        algorithm=meta["algorithm"],
    )
