"""Registry models: 检查对象 (Entity), 执法检查人员 (Inspector), 用户 (User) and their enums.

Pure pydantic: no I/O. Field names follow ../shared/GLOSSARY.md.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator, model_validator

from bot.domain.credit_code import credit_code_error, normalise


class Category(StrEnum):
    """监管类别: 一般 / 重点 / 特殊监管对象."""

    GENERAL = "general"
    KEY = "key"
    SPECIAL = "special"


class PermitClass(StrEnum):
    """排污许可管理类别: 重点管理 / 简化管理 / 登记管理."""

    KEY = "key"
    SIMPLIFIED = "simplified"
    REGISTRATION = "registration"


class EntityKind(StrEnum):
    """What an entity is: 企业 / 水源地 / 自然保护区 / 建设项目 / 其他."""

    ENTERPRISE = "enterprise"
    WATER_SOURCE = "water_source"
    NATURE_RESERVE = "nature_reserve"
    CONSTRUCTION_PROJECT = "construction_project"
    OTHER = "other"


class EntityStatus(StrEnum):
    """经营状态: 在产 / 停产 / 关闭 / 剔除 (excluded from draws by a decision)."""

    OPERATING = "operating"
    SUSPENDED = "suspended"
    CLOSED = "closed"
    EXCLUDED = "excluded"


class InspectorKind(StrEnum):
    """执法人员 (enforcement staff) or 辅助检查人员 (auxiliary expert, a separate pool)."""

    STAFF = "staff"
    EXPERT = "expert"


class Role(StrEnum):
    """Who may do what: 管理员 / 分管负责人 / 综合科 / 执法人员."""

    ADMIN = "admin"
    MANAGER = "manager"
    COORDINATOR = "coordinator"
    INSPECTOR = "inspector"


class Entity(BaseModel):
    """检查对象: one inspectable entity of a bureau's 检查对象名录库.

    `stable_id` is the identity used by draws: the credit code for enterprises, another permanent id
    (e.g. a water-source area's code) for non-enterprise entities.
    """

    stable_id: str = Field(min_length=1, max_length=64)
    credit_code: str | None = None
    name: str = Field(min_length=1, max_length=200)
    kind: EntityKind = EntityKind.ENTERPRISE
    address: str = ""
    region: str = ""
    industry_code: str = ""
    category: Category = Category.GENERAL
    permit_class: PermitClass | None = None
    credit_rating: str = ""
    positive_list: bool = False
    tags: dict[str, str] = Field(default_factory=dict)
    status: EntityStatus = EntityStatus.OPERATING
    status_reason: str = ""
    status_decided_by: str = ""
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    last_violation_on: date | None = None
    verified_complaints: int = Field(default=0, ge=0)
    supervised_rectification: bool = False

    @field_validator("credit_code", mode="before")
    @classmethod
    def _check_credit_code(cls, v: object) -> object:
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        code = normalise(str(v))
        err = credit_code_error(code)
        if err:
            raise ValueError(f"invalid unified social credit code {code!r}: {err}")
        return code

    @model_validator(mode="after")
    def _rules(self) -> Entity:
        if self.kind is EntityKind.ENTERPRISE and not self.credit_code:
            raise ValueError("an enterprise needs a credit code (统一社会信用代码)")
        if self.credit_code and self.stable_id != self.credit_code:
            raise ValueError("stable_id must equal the credit code when one is given")
        if self.status is EntityStatus.EXCLUDED and not (
            self.status_reason and self.status_decided_by
        ):
            raise ValueError("an excluded entity needs status_reason and status_decided_by")
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        return self


class Recusal(BaseModel):
    """回避: an entity an inspector must not inspect, and why."""

    entity_stable_id: str = Field(min_length=1)
    reason: str = Field(min_length=1)


class Inspector(BaseModel):
    """执法检查人员: one person of the 执法检查人员名录库.

    Staff need an enforcement certificate (执法证) to be drawn; experts form their own pool.
    `key` is the stable identity: the certificate number, or for experts without one, `expert_id`.
    """

    name: str = Field(min_length=1, max_length=50)
    department: str = Field(min_length=1)
    certificate_no: str | None = None
    expert_id: str | None = None
    expertise: list[str] = Field(default_factory=list)
    region: str = ""
    years_of_service: int = Field(default=0, ge=0, le=60)
    kind: InspectorKind = InspectorKind.STAFF
    active: bool = True
    recusals: list[Recusal] = Field(default_factory=list)

    @model_validator(mode="after")
    def _identity(self) -> Inspector:
        if self.kind is InspectorKind.STAFF and not self.certificate_no:
            raise ValueError("enforcement staff need a certificate number (执法证号)")
        if not (self.certificate_no or self.expert_id):
            raise ValueError("an expert needs a certificate number or an expert id")
        return self

    @property
    def key(self) -> str:
        """The stable identity used for upserts and draws."""
        return self.certificate_no or f"expert:{self.expert_id}"
