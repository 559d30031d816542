using DurableTask.Core;
using Google.Protobuf;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker.Grpc;
using SpeechToText.Core.Jobs;
using SpeechToText.Server.Durable;
using SpeechToText.Tests.Fixtures;
using P = Microsoft.DurableTask.Protobuf;

namespace SpeechToText.Tests.Jobs;

/// <summary>
/// The orchestrations as a Durable Functions worker runs them: histories the local task hub recorded (a completed job
/// in several batches; a job whose chunk kept failing, with its retries and their timers) are replayed episode by
/// episode through <see cref="GrpcOrchestrationRunner"/>, what the isolated worker calls with the host's protobuf
/// request, with the same orchestrator calls the Functions app's orchestrator functions make. Each episode must decide
/// the same actions the local run decided, in the same order, with the same ids.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class OrchestrationReplayTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Recorded_local_histories_replay_through_the_functions_worker_runner_with_the_same_actions()
    {
        await using var h = await DurableHarness.StartAsync(azurite.NewStorage(), new Dictionary<string, string?>
        {
            ["Pipeline:ChunksPerBatch"] = "2",
            ["AzureOpenAI:Deployments:0:Id"] = "whisper-azure",
            ["AzureOpenAI:Deployments:0:Endpoint"] = $"http://127.0.0.1:{Fixtures.ServerProcess.FreePort()}",
            ["AzureOpenAI:Deployments:0:Kind"] = "whisper",
            ["AzureOpenAI:Deployments:0:ApiKey"] = "test-key",
            ["AzureOpenAI:MaxRetries"] = "0",
            ["Pipeline:MaxAttempts"] = "2",
        });
        await h.UploadAsync("talk.mp3", JobAudio.TwoMinutes.Value);
        await h.UploadAsync("down.mp3", JobAudio.TwoMinutes.Value, new Dictionary<string, string> { ["stt_model"] = "whisper-azure" });
        var completed = await h.RunAsync("talk.mp3");
        var failed = await h.RunAsync("down.mp3");
        Assert.Equal((JobStates.Completed, JobStates.Failed), (completed.State, failed.State));

        var service = h.Get<LocalTaskHub>().Service;
        int episodes = 0, actions = 0, timers = 0;
        foreach (var (instance, orchestrator) in new (string, Func<ITaskOrchestrator>)[]
                 {
                     (completed.Id, () => new TranscriptionJobOrchestrator()),
                     (JobIds.Batch(completed.Id, 0), () => new ChunkBatchOrchestrator()),
                     (JobIds.Batch(completed.Id, 1), () => new ChunkBatchOrchestrator()),
                     (failed.Id, () => new TranscriptionJobOrchestrator()),
                     (JobIds.Batch(failed.Id, 0), () => new ChunkBatchOrchestrator()),
                 })
        {
            var state = (await service.GetOrchestrationStateAsync(instance, allExecutions: false))[0];
            var history = RecordedHistory.Parse(await service.GetOrchestrationHistoryAsync(instance, state.OrchestrationInstance.ExecutionId));
            foreach (var episode in history.Episodes())
            {
                var request = new P.OrchestratorRequest { InstanceId = instance, ExecutionId = state.OrchestrationInstance.ExecutionId };
                request.PastEvents.AddRange(episode.Past);
                request.NewEvents.AddRange(episode.New);
                var response = P.OrchestratorResponse.Parser.ParseFrom(ByteString.FromBase64(
                    GrpcOrchestrationRunner.LoadAndRun(request.ToByteString().ToBase64(), orchestrator())));
                AssertSameActions(instance, episode.Actions, response.Actions);
                episodes++;
                actions += response.Actions.Count;
                timers += response.Actions.Count(a => a.CreateTimer is not null);
                // The last episode leaves the custom status the task hub has for the instance.
                if (episode == history.Episodes()[^1] && state.Status is not null)
                {
                    Assert.Equal(state.Status, response.CustomStatus);
                }
            }
        }
        // Every kind of action the pipeline takes was among them: activities, sub-orchestrations, retry timers, completion.
        Assert.True(episodes >= 10 && actions >= 15 && timers >= 1, $"{episodes} episodes, {actions} actions, {timers} timers");
    }

    private static void AssertSameActions(string instance, IReadOnlyList<P.HistoryEvent> recorded, IReadOnlyList<P.OrchestratorAction> replayed)
    {
        Assert.True(recorded.Count == replayed.Count, $"{instance}: recorded {string.Join(", ", recorded.Select(e => e.EventTypeCase))}; " +
            $"replayed {string.Join(", ", replayed.Select(a => a.OrchestratorActionTypeCase))}");
        for (int i = 0; i < recorded.Count; i++)
        {
            var (r, a) = (recorded[i], replayed[i]);
            string where = $"{instance}, action {i}";
            switch (r.EventTypeCase)
            {
                case P.HistoryEvent.EventTypeOneofCase.TaskScheduled:
                    Assert.True(a.ScheduleTask is not null, $"{where}: expected a scheduled {r.TaskScheduled.Name}, got {a}");
                    Assert.Equal((r.EventId, r.TaskScheduled.Name), (a.Id, a.ScheduleTask.Name));
                    break;
                case P.HistoryEvent.EventTypeOneofCase.SubOrchestrationInstanceCreated:
                    Assert.True(a.CreateSubOrchestration is not null, $"{where}: expected sub-orchestration {r.SubOrchestrationInstanceCreated.InstanceId}, got {a}");
                    Assert.Equal((r.EventId, r.SubOrchestrationInstanceCreated.Name, r.SubOrchestrationInstanceCreated.InstanceId),
                        (a.Id, a.CreateSubOrchestration.Name, a.CreateSubOrchestration.InstanceId));
                    break;
                case P.HistoryEvent.EventTypeOneofCase.TimerCreated:
                    Assert.True(a.CreateTimer is not null, $"{where}: expected a timer, got {a}");
                    Assert.Equal((r.EventId, r.TimerCreated.FireAt), (a.Id, a.CreateTimer.FireAt));
                    break;
                case P.HistoryEvent.EventTypeOneofCase.ExecutionCompleted:
                    Assert.True(a.CompleteOrchestration is not null, $"{where}: expected completion, got {a}");
                    Assert.Equal(r.ExecutionCompleted.OrchestrationStatus, a.CompleteOrchestration.OrchestrationStatus);
                    Assert.Equal(r.ExecutionCompleted.Result, a.CompleteOrchestration.Result);
                    break;
            }
        }
    }
}
