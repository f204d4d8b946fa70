"""shieldgap: a curated ledger of claims and counterarguments on why the US and its allies
shot down Iranian missiles over Israel but not Russian ones over Ukraine, and the report built on it."""

__version__ = "0.1.0"
