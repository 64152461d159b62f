"""Template helpers of ckanext-molisa-audit."""
__all__: list[str] = []
