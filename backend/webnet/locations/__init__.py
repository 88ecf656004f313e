"""Regions, sites, locations and racks: the customer's geography and its subtree queries."""
