"""Privacy endpoints for operators: export and erase one customer's data (supervisors only, audited)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path

from tandem.api.deps import ServicesDep, SupervisorDep
from tandem.services import privacy

router = APIRouter(prefix="/api/privacy", tags=["privacy"])
CustomerRef = Path(min_length=1, max_length=128)


@router.get("/customers/{customer_ref}/export", summary="Export everything held about a customer (JSON)")
def export_customer(supervisor: SupervisorDep, services: ServicesDep,
                    customer_ref: str = CustomerRef) -> dict[str, Any]:
    with services.work() as work:
        return privacy.export(work, customer_ref, actor=supervisor.id)


@router.delete("/customers/{customer_ref}", summary="Erase a customer's personal data from every conversation")
def erase_customer(supervisor: SupervisorDep, services: ServicesDep, customer_ref: str = CustomerRef) -> dict[str, Any]:
    with services.work() as work:
        return {"erased_conversations": privacy.erase(work, customer_ref, actor=supervisor.id)}
