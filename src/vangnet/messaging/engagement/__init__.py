"""Send-time and variant choice (bandit), short links, click tracking."""
