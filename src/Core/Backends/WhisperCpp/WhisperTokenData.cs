using System.Runtime.InteropServices;

namespace SpeechToText.Core.Backends.WhisperCpp;

[StructLayout(LayoutKind.Sequential)]
internal struct WhisperTokenData
{
    public int Id;
    public int Tid;
    public float P;
    public float PLog;
    public float Pt;
    public float PtSum;
    public long T0;
    public long T1;
    public long TDtw;
    public float VLen;
}
