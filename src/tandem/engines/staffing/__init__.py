"""Staffing: exact Erlang-A with chat concurrency, and the least agents meeting a target."""

from tandem.engines.staffing.erlang_a import erlang_a
from tandem.engines.staffing.model import ErlangAResult, ServiceModel, StaffingTarget
from tandem.engines.staffing.optimize import required_agents

__all__ = ["ErlangAResult", "ServiceModel", "StaffingTarget", "erlang_a", "required_agents"]
