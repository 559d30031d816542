namespace SpeechToText.Core.Models;

/// <summary>The configured models do not form a catalog (an id twice, a fallback that names no model): a start-time error.</summary>
public sealed class ModelCatalogException(string message) : InvalidOperationException(message);
