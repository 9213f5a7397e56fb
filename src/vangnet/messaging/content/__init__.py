"""Message templates: versions, variants, sandboxed rendering, the shipped library."""
