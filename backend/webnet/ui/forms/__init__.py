"""UI forms, one module per domain; `base` holds the customer-scoped ModelForm."""
