"""A learner's right to be forgotten, everywhere the course keeps them."""
