from vangnet.cli import main

main()
