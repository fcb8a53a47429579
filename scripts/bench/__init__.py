"""The parts of scripts/bench-diary: processes, sign-ins, load generators and the modes."""
