# Test kernels keep no history: several run at once, and none needs it.
c = get_config()  # noqa: F821
c.HistoryManager.enabled = False
