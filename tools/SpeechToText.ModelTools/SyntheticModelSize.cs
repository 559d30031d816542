using System.Buffers.Binary;
using System.Text;

namespace SpeechToText.ModelTools;

/// <summary>Dimensions of a generated model.</summary>
public enum SyntheticModelSize
{
    /// <summary>A few MB, one layer each side, 32-wide: for fast tests.</summary>
    Test,
    /// <summary>whisper tiny's real dimensions (384 state, 6 heads, 4+4 layers): realistic compute for benchmarks.</summary>
    Tiny,
}
