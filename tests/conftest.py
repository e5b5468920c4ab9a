import sys
from pathlib import Path

# the suite runs against the checkout, installed or not
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
