"""The run engine: turns a plan of test calls into recorded, judged attempts."""
