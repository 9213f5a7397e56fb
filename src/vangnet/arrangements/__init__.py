"""Payment plans, affordability, approval, monitoring; statutory costs and interest."""
