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
    /// <summary>whisper base's real dimensions (512 state, 8 heads, 6+6 layers): about 2.5 × tiny's compute.</summary>
    Base,
    /// <summary>whisper small's real dimensions (768 state, 12 heads, 12+12 layers): about 8-10 × tiny's compute.</summary>
    Small,
}
