import { describeProtocolAnswers } from "../fixtures/protocolAnswersSuite.js";

describeProtocolAnswers("MachineLearning");
