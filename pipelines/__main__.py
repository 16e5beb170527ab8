from pipelines.cli import main

raise SystemExit(main(leave_when_answered=True))
