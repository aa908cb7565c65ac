"""The domain core: commune plan, items, approval, ledger, quotas. Knows nothing of Prefect, CLI or web."""
