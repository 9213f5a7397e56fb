"""The customer portal: magic links, self-service pages, nudges."""
