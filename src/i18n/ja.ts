import type { Catalog } from './en.ts';

/**
 * What lab itself prints, in Japanese: polite (です/ます), as the course's instructors write,
 * in the terms of labs/glossary.yaml (tests/unit/glossary.test.ts checks them). Commands, paths
 * and option names stay as typed. Typed by the English catalog: a message missing here, or one
 * that needs a param English does not pass, fails tsc.
 */
export const ja: Catalog = {
  common: {
    run: (p) => `${p.command} を実行してください`,
  },
  tasks: {
    noTasks: (p) => `ラボ ${p.lab} にはタスクがありません。`,
    colNumber: '#',
    colTask: 'タスク',
    colTitle: 'タイトル',
    colState: '状態',
    colNeeds: '前提',
    passed: '合格',
    open: '未完了',
    locked: 'ロック中',
    next: (p) => `次のタスク：${p.title}`,
    nextLine: (p) => `${p.heading}（${p.task}）`,
    lastGrade: '前回の採点：',
    whenDone: (p) =>
      `できたら lab grade ${p.lab} で採点しましょう。${p.hasHints ? `行き詰まったら lab hint ${p.lab} でヒントを表示できます。` : ''}`,
    allPassed: 'すべてのタスクに合格しました。',
    quizResult: (p) =>
      `クイズ：${p.total}問中${p.correct}問正解です。もう一度解くには lab quiz ${p.lab} を実行します。`,
    quizOpen: (p) => `クイズ：全${p.questions}問、まだ解答していません。解答するには lab quiz ${p.lab} を実行します。`,
  },
  hint: {
    noTasks: (p) => `ラボ ${p.lab} にはタスクがないため、ヒントもありません`,
    unknownTask: (p) => `ラボ ${p.lab} に「${p.task}」というタスクはありません。タスク：${p.tasks}`,
    allPassed: (p) =>
      `ラボ ${p.lab} のタスクはすべて合格しているので、ヒントは必要ありません。タスクを指定すればヒントを表示できます：lab hint ${p.lab} <task>`,
    noHints: (p) => `タスク ${p.task} にはヒントがありません。説明は lab tasks ${p.lab} で確認できます。`,
    heading: (p) => `ヒント ${p.n}/${p.total}`,
    line: (p) => `${p.heading}（${p.task}）：${p.text}`,
    another: (p) => `次のヒント：${p.command}`,
  },
  quiz: {
    noQuiz: (p) => `ラボ ${p.lab} にはクイズがありません`,
    needsTerminal: 'lab quiz が質問するには端末が必要です。端末がない場合は --answer で解答を渡してください',
    answerHint: (p) => `自分の解答に書き換えて ${p.command} を実行してください`,
    prompt: 'あなたの解答',
    interrupted: 'クイズを中断しました。解答は保存されていません',
    notAnswered: '未解答',
    youAnswered: (p) => `あなたの解答は ${p.answer}`,
    wrong: (p) => `${p.given}。正解は ${p.right}：${p.text}`,
    allCorrect: (p) => `全${p.total}問正解です`,
    someCorrect: (p) => `${p.total}問中${p.correct}問正解です`,
  },
  grade: {
    noTasks: (p) => `ラボ ${p.lab} には採点するタスクがありません`,
    checkHint: (p) => `ラボのチェックは lab check ${p.lab} で実行できます`,
    colTask: 'タスク',
    colTitle: 'タイトル',
    colStatus: '結果',
    pass: '合格',
    solved: '模範解答で合格',
    fail: '不合格',
    locked: 'ロック中',
    lockedReason: (p) => `先に ${p.needs} に合格する必要があります`,
    score: (p) =>
      `スコア：${p.total}タスク中${p.passed}タスク合格（${p.percent}%${p.solved ? `。lab solve で解いた${p.solved}タスクは含みません` : ''}）`,
    scoreNext: (p) => `次にやることは lab tasks ${p.lab} で確認できます`,
    copiesSolution: (p) =>
      `あなたの haproxy.cfg は ${p.tasks} の模範解答と同じです。講師のクラス集計表にもそう表示されます`,
  },
  apply: {
    notStudent: (p) =>
      `ラボ ${p.id} には学生が編集する設定ファイルがありません（loadBalancer.config: generated）。haproxy.cfg は lab が生成します`,
    notStudentHint: (p) => `設定は lab up ${p.lab} --algorithm … --mode … で変更してください`,
    workspaceGone: (p) => `${p.project} のワークスペース（${p.dir}）が見つかりません`,
    workspaceGoneHint: (p) => `lab up ${p.lab} を実行して、もう一度生成してください`,
    fixThenApply: (p) =>
      `${p.file} を修正して、もう一度 lab apply ${p.lab} を実行してください（HAProxy は前の設定のまま動き続けます）`,
    checking: (p) => `${p.file} を HAProxy で検査しています`,
    reloading: 'HAProxy をマスター CLI 経由で再読み込みしています',
    notServing: (p) => `HAProxy は再読み込みしましたが、${p.seconds}秒たっても設定 ${p.configId} で動いていません`,
    refused: 'HAProxy が再読み込みを拒否しました（Success=0）。前の設定のまま動き続けています',
    startupLog: 'HAProxy の起動ログ：',
    reloadHint: (p) =>
      `lab logs ${p.lab} haproxy でログを確認し、${p.file} を修正してから、もう一度 lab apply ${p.lab} を実行してください`,
    applied: (p) =>
      `HAProxy はあなたの haproxy.cfg で動いています（設定 ${p.configId}、検査と再読み込みに ${p.ms} ms）`,
    answered: (p) =>
      `再読み込みの後、HAProxy は ${p.requests} 件のリクエストに応答しました（うち HTTP 5xx は ${p.http5xx} 件）`,
    notReady: (p) =>
      `${p.answered}。再読み込みの時点でサーバーの準備ができていませんでした（init-addr last を指定すると、再読み込みの前後でアドレスが保たれます）`,
    done: (p) =>
      `${p.project}：HAProxy は ${p.file} で動いています。統計ページで確認するか、lab status ${p.lab} を実行してください。`,
  },
  down: {
    removing: (p) => `${p.project} を削除しています`,
    removed: (p) =>
      `${p.project} のコンテナー ${p.containers} 個、ネットワーク ${p.networks} 個、ボリューム ${p.volumes} 個を削除しました`,
    isDown: (p) => `${p.project} を停止しました。`,
    notRunning: (p) => `${p.project} は起動していません。削除するものはありません。`,
    notDeployed: (p) => `${p.project} は swarm にデプロイされていません。削除するものはありません。`,
  },
  up: {
    editThenApply: (p) => `（編集したら lab apply ${p.lab} を実行します）`,
    tryNext: '次に試すこと：',
    whyTasks: 'やることをタスクごとに表示します',
    whyApply: '編集のたびに実行：HAProxy がファイルを検査して読み込み、採点します',
    whyHint: '行き詰まったら：ヒントを1つずつ表示します',
    whyGrade: 'スコアを表示します',
    whyDown: 'すべて削除します',
  },
};
