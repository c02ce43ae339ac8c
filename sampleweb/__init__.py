"""The sample county web: realistic county government sites served on loopback for the demo and the tests."""
