"""cartplan: CAR-T therapy planning for autoimmune disease."""

__version__ = "0.1.0"
