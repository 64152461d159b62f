"""WikiMolisa (R14.3, R14.4, R4.3): community datasets published by the
public, scanned before anyone sees them, moderated before publication."""
