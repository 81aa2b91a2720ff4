"""Configuration: dataclass schemas, Hydra ConfigStore registration and validation."""
