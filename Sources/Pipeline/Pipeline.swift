/// Pipeline wires transports, stages and the materializer into the jobs the CLI runs.
public enum Pipeline {}
