"""Privacy endpoints for operators: export and erase one customer's data (supervisors only, audited)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path

from tandem.api.deps import CustomerTokenDep, ServicesDep, SupervisorDep
from tandem.api.responses import ConversationsErased, CustomerErased, CustomerExport
from tandem.services import privacy

router = APIRouter(prefix="/api/privacy", tags=["privacy"])
CustomerRef = Path(min_length=1, max_length=128)


@router.get("/customers/{customer_ref}/export", response_model=CustomerExport,
            summary="Export everything held about a customer (JSON)")
def export_customer(supervisor: SupervisorDep, services: ServicesDep,
                    customer_ref: str = CustomerRef) -> dict[str, Any]:
    with services.work() as work:
        return privacy.export(work, customer_ref, actor=supervisor.id)


@router.delete("/customers/{customer_ref}", response_model=CustomerErased,
               summary="Erase a customer's personal data from every conversation")
def erase_customer(supervisor: SupervisorDep, services: ServicesDep, customer_ref: str = CustomerRef) -> dict[str, Any]:
    with services.work() as work:
        erased = privacy.erase(work, customer_ref, actor=supervisor.id)
    # the account backend keeps its own log of actions taken for the customer; it scrubs it if it can
    scrub = getattr(services.backend, "erase_customer_log", None)
    log_rows = scrub(customer_ref, privacy.pseudonym(customer_ref)) if callable(scrub) else None
    return {"erased_conversations": erased, "backend_log_rows": log_rows}


@router.delete("/conversations/{conversation_id}", response_model=ConversationsErased,
               summary="Erase one chat found by its id and the customer's token (anonymous customers)")
def erase_conversation(supervisor: SupervisorDep, services: ServicesDep, token: CustomerTokenDep,
                       conversation_id: str = Path(min_length=1, max_length=64)) -> dict[str, Any]:
    with services.work() as work:
        return {"erased_conversations": privacy.erase_conversation(work, conversation_id, token, actor=supervisor.id)}
