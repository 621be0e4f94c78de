"""Floor 6.5: Monte Carlo campaigns (local processes or Dask), their durable store and their statistics."""

from .lock import LOCK_FILE, CampaignLock, CampaignLocked
from .runner import (CampaignSpec, Progress, check_scheduler, run_campaign, run_one, run_seed,
                     scheduler_address)
from .salvage import Salvage, salvage_store
from .store import STORE_FILE, CorruptStore, ResultStore, RunResult, open_store
from .summary import OUTCOMES, Thresholds, flatten, run_columns, summarize

__all__ = ["CampaignLock", "CampaignLocked", "CampaignSpec", "CorruptStore", "LOCK_FILE", "OUTCOMES", "Progress",
           "ResultStore", "RunResult", "STORE_FILE", "Salvage", "Thresholds", "check_scheduler", "flatten",
           "open_store", "run_campaign", "run_columns", "run_one", "run_seed", "salvage_store", "scheduler_address",
           "summarize"]
