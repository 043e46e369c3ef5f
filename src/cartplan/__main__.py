from cartplan.cli import main

main()
