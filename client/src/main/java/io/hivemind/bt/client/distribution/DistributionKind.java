package io.hivemind.bt.client.distribution;

/** What a distribution carries: task data for named workers, or a version of a model for a channel's subscribers. */
public enum DistributionKind {
    /** Input data of a task, sent to the workers named when it is distributed. */
    TASK,
    /** A version of a model, announced to every worker that follows the channel. */
    MODEL
}
