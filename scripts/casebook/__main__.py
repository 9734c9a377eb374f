from casebook.adapters.cli import main

raise SystemExit(main())
