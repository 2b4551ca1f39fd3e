"""The demo (演示): a whole story told against the emulator, in Chinese or English."""
