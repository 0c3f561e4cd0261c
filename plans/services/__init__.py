"""Write functions of the plans app, one module per concern."""
