"""Elevator retrofits. One module per aggregate:

- `schemes`: subsidy policies and sharing schemes (per-floor coefficients) — data, not code;
- `retrofits`: the retrofit of one stairwell, its workflow steps, cost lines and the dwellings
  that declined;
- `shares`: the versions of the share table, each dwelling's share, instalment plans and
  schedules, and payments.

How a share is computed lives in `elevators/sharing.py` (the arithmetic) and
`elevators/services.py` (when and with what).
"""

from elevators.models.retrofits import CostLine, Decline, Retrofit, RetrofitStep
from elevators.models.schemes import SchemeFloor, SharingScheme, SubsidyPolicy
from elevators.models.shares import Instalment, InstalmentPlan, Payment, Share, ShareVersion

__all__ = [
    "CostLine",
    "Decline",
    "Instalment",
    "InstalmentPlan",
    "Payment",
    "Retrofit",
    "RetrofitStep",
    "SchemeFloor",
    "Share",
    "ShareVersion",
    "SharingScheme",
    "SubsidyPolicy",
]
