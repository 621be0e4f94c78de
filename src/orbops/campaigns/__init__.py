"""Floor 6.5: Monte Carlo campaigns (local processes or Dask), their durable store and their statistics."""

from .runner import CampaignSpec, Progress, run_campaign, run_one, run_seed
from .store import STORE_FILE, CorruptStore, ResultStore, RunResult, open_store
from .summary import OUTCOMES, Thresholds, flatten, run_columns, summarize

__all__ = ["CampaignSpec", "CorruptStore", "OUTCOMES", "Progress", "ResultStore", "RunResult", "STORE_FILE",
           "Thresholds", "flatten", "open_store", "run_campaign", "run_columns", "run_one", "run_seed", "summarize"]
