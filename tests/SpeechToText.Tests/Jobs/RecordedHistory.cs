using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using P = Microsoft.DurableTask.Protobuf;

namespace SpeechToText.Tests.Jobs;

/// <summary>
/// An orchestration history as the local task hub recorded it (DTFx's history JSON: one object per event, its
/// kind in "EventType"), turned into the protobuf events a Durable Functions worker is handed on every replay, and
/// cut into the episodes the orchestrator ran.
/// </summary>
public sealed class RecordedHistory
{
    // DurableTask.Core.History.EventType.
    private const int ExecutionStarted = 0, ExecutionCompleted = 1, TaskScheduled = 4, TaskCompleted = 5, TaskFailed = 6, SubOrchestrationCreated = 7,
        SubOrchestrationCompleted = 8, SubOrchestrationFailed = 9, TimerCreated = 10, TimerFired = 11, OrchestratorStarted = 12, OrchestratorCompleted = 13,
        EventRaised = 15;

    private RecordedHistory(IReadOnlyList<P.HistoryEvent> events) => Events = events;

    public IReadOnlyList<P.HistoryEvent> Events { get; }

    public static RecordedHistory Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return new RecordedHistory([.. doc.RootElement.EnumerateArray().Select(Convert)]);
    }

    /// <summary>
    /// One orchestrator episode: what the worker had seen before it (<see cref="Past"/>), what arrived for it
    /// (<see cref="New"/>), and what the orchestrator decided in it (<see cref="Actions"/>: the events its actions became).
    /// </summary>
    public sealed record Episode(IReadOnlyList<P.HistoryEvent> Past, IReadOnlyList<P.HistoryEvent> New, IReadOnlyList<P.HistoryEvent> Actions);

    public IReadOnlyList<Episode> Episodes()
    {
        var episodes = new List<Episode>();
        var starts = Events.Select((e, i) => (e, i)).Where(x => x.e.EventTypeCase == P.HistoryEvent.EventTypeOneofCase.OrchestratorStarted).Select(x => x.i).ToList();
        for (int k = 0; k < starts.Count; k++)
        {
            int end = k + 1 < starts.Count ? starts[k + 1] : Events.Count;
            var span = Events.Skip(starts[k]).Take(end - starts[k]).ToList();
            episodes.Add(new Episode([.. Events.Take(starts[k])], [.. span.Where(e => !IsAction(e) && e.EventTypeCase != P.HistoryEvent.EventTypeOneofCase.OrchestratorCompleted)],
                [.. span.Where(IsAction)]));
        }
        return episodes;
    }

    private static bool IsAction(P.HistoryEvent e) => e.EventTypeCase is P.HistoryEvent.EventTypeOneofCase.TaskScheduled
        or P.HistoryEvent.EventTypeOneofCase.SubOrchestrationInstanceCreated or P.HistoryEvent.EventTypeOneofCase.TimerCreated
        or P.HistoryEvent.EventTypeOneofCase.ExecutionCompleted;

    private static P.HistoryEvent Convert(JsonElement e)
    {
        var proto = new P.HistoryEvent
        {
            EventId = e.GetProperty("EventId").GetInt32(),
            Timestamp = Timestamp.FromDateTime(e.GetProperty("Timestamp").GetDateTime().ToUniversalTime()),
        };
        switch (e.GetProperty("EventType").GetInt32())
        {
            case ExecutionStarted:
                var instance = e.GetProperty("OrchestrationInstance");
                proto.ExecutionStarted = new P.ExecutionStartedEvent
                {
                    Name = Str(e, "Name") ?? "",
                    Version = Str(e, "Version"),
                    Input = Str(e, "Input"),
                    OrchestrationInstance = new P.OrchestrationInstance
                    {
                        InstanceId = instance.GetProperty("InstanceId").GetString() ?? "",
                        ExecutionId = instance.GetProperty("ExecutionId").GetString(),
                    },
                    ParentInstance = e.TryGetProperty("ParentInstance", out var parent) && parent.ValueKind == JsonValueKind.Object
                        ? new P.ParentInstanceInfo
                        {
                            TaskScheduledId = parent.GetProperty("TaskScheduleId").GetInt32(),
                            Name = Str(parent, "Name"),
                            OrchestrationInstance = new P.OrchestrationInstance { InstanceId = parent.GetProperty("OrchestrationInstance").GetProperty("InstanceId").GetString() ?? "" },
                        }
                        : null,
                };
                break;
            case ExecutionCompleted:
                proto.ExecutionCompleted = new P.ExecutionCompletedEvent
                {
                    OrchestrationStatus = (P.OrchestrationStatus)e.GetProperty("OrchestrationStatus").GetInt32(),
                    Result = Str(e, "Result"),
                    FailureDetails = Failure(e),
                };
                break;
            case TaskScheduled:
                proto.TaskScheduled = new P.TaskScheduledEvent { Name = Str(e, "Name") ?? "", Version = Str(e, "Version"), Input = Str(e, "Input") };
                break;
            case TaskCompleted:
                proto.TaskCompleted = new P.TaskCompletedEvent { TaskScheduledId = e.GetProperty("TaskScheduledId").GetInt32(), Result = Str(e, "Result") };
                break;
            case TaskFailed:
                proto.TaskFailed = new P.TaskFailedEvent { TaskScheduledId = e.GetProperty("TaskScheduledId").GetInt32(), FailureDetails = Failure(e) };
                break;
            case SubOrchestrationCreated:
                proto.SubOrchestrationInstanceCreated = new P.SubOrchestrationInstanceCreatedEvent
                {
                    InstanceId = Str(e, "InstanceId") ?? "", Name = Str(e, "Name") ?? "", Version = Str(e, "Version"), Input = Str(e, "Input"),
                };
                break;
            case SubOrchestrationCompleted:
                proto.SubOrchestrationInstanceCompleted = new P.SubOrchestrationInstanceCompletedEvent
                {
                    TaskScheduledId = e.GetProperty("TaskScheduledId").GetInt32(), Result = Str(e, "Result"),
                };
                break;
            case SubOrchestrationFailed:
                proto.SubOrchestrationInstanceFailed = new P.SubOrchestrationInstanceFailedEvent
                {
                    TaskScheduledId = e.GetProperty("TaskScheduledId").GetInt32(), FailureDetails = Failure(e),
                };
                break;
            case TimerCreated:
                proto.TimerCreated = new P.TimerCreatedEvent { FireAt = Timestamp.FromDateTime(e.GetProperty("FireAt").GetDateTime().ToUniversalTime()) };
                break;
            case TimerFired:
                proto.TimerFired = new P.TimerFiredEvent
                {
                    TimerId = e.GetProperty("TimerId").GetInt32(), FireAt = Timestamp.FromDateTime(e.GetProperty("FireAt").GetDateTime().ToUniversalTime()),
                };
                break;
            case OrchestratorStarted:
                proto.OrchestratorStarted = new P.OrchestratorStartedEvent();
                break;
            case OrchestratorCompleted:
                proto.OrchestratorCompleted = new P.OrchestratorCompletedEvent();
                break;
            case EventRaised:
                proto.EventRaised = new P.EventRaisedEvent { Name = Str(e, "Name") ?? "", Input = Str(e, "Input") };
                break;
            case var other:
                throw new NotSupportedException($"history event type {other} is not one the pipeline's orchestrations produce: {e}");
        }
        return proto;
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static P.TaskFailureDetails? Failure(JsonElement e) =>
        e.TryGetProperty("FailureDetails", out var f) && f.ValueKind == JsonValueKind.Object
            ? new P.TaskFailureDetails { ErrorType = Str(f, "ErrorType") ?? "", ErrorMessage = Str(f, "ErrorMessage") ?? "", StackTrace = Str(f, "StackTrace") }
            : null;
}
