from syncd.cli.app import main

# Guarded: worker processes (forkserver/spawn) import the main module again, and must not run
# the command line a second time.
if __name__ == "__main__":
    main()
